import { type FileSource, fileTag } from '../../shared/swarm/messages';
import { FrameAssembler } from '../../shared/swarm/pieces';
import type { Member } from '../mesh/member';
import type { MeshController } from '../mesh/mesh-controller';
import { PieceSender } from './piece-sender';
import { isSwarmMessage, type SwarmLink, type SwarmMessage } from './swarm-link';

/** What a file's swarm session (the host's or a guest's) takes from the mesh. */
export interface SwarmNode {
  readonly source: FileSource;
  addMember(link: SwarmLink): void;
  removeMember(peerId: string): void;
  message(peerId: string, message: SwarmMessage): void;
  /** A member's `lc-file` opened or has room again. */
  drain(peerId: string): void;
  /** A chunk frame from a member's `lc-file`, rebuilt from its pieces; the host takes none. */
  frame?(peerId: string, data: ArrayBuffer): void;
}

/** One member's two ends of `lc-file`, as pieces. */
interface PieceLink {
  sender: PieceSender;
  assembler: FrameAssembler;
}

/**
 * Connects a swarm session to the room's mesh: every member whose link is up now or later, the
 * swarm's messages and `lc-file` events, frames sent and received as pieces. Returns what ends it.
 */
export function joinMesh(mesh: MeshController, node: SwarmNode): () => void {
  const pieces = new Map<string, PieceLink>();
  const tag = fileTag(node.source.id);
  const linkTo = (member: Member): SwarmLink => {
    // A link that comes back keeps its sender: a ChunkServer queue made before still holds it.
    let link = pieces.get(member.peerId);
    if (!link) {
      link = {
        sender: new PieceSender((piece) => mesh.sendFile(member.peerId, piece)),
        assembler: new FrameAssembler(node.source, tag, () => performance.now()),
      };
      pieces.set(member.peerId, link);
    }
    const { sender } = link;
    return {
      peerId: member.peerId,
      isHost: member.peerId === mesh.hostPeerId,
      send: (message) => {
        mesh.send(member.peerId, message);
      },
      sendChunk: (frame) => sender.sendFrame(frame),
    };
  };
  for (const member of mesh.members) {
    if (member.link === 'connected') node.addMember(linkTo(member));
  }
  return mesh.subscribe({
    linkReady: (member) => node.addMember(linkTo(member)),
    memberLeft: (member) => {
      pieces.delete(member.peerId);
      node.removeMember(member.peerId);
    },
    message: (from, message) => {
      if (isSwarmMessage(message)) node.message(from.peerId, message);
    },
    file: (from, event) => {
      const link = pieces.get(from.peerId);
      if (!link) return;
      if (event.kind === 'data') {
        const frame = node.frame && link.assembler.add(event.bytes);
        if (frame) node.frame?.(from.peerId, frame);
      } else if (event.kind === 'closed') {
        link.sender.reset();
        link.assembler.clear();
      } else if (link.sender.drain()) {
        node.drain(from.peerId);
      }
    },
  });
}
