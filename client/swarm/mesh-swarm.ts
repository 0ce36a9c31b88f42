import type { Member } from '../mesh/member';
import type { MeshController } from '../mesh/mesh-controller';
import { isSwarmMessage, type SwarmLink, type SwarmMessage } from './swarm-link';

/** What a file's swarm session (the host's or a guest's) takes from the mesh. */
export interface SwarmNode {
  addMember(link: SwarmLink): void;
  removeMember(peerId: string): void;
  message(peerId: string, message: SwarmMessage): void;
  /** A member's `lc-file` opened or has room again. */
  drain(peerId: string): void;
  /** A frame from a member's `lc-file`; the host takes none. */
  frame?(peerId: string, data: ArrayBuffer): void;
}

/**
 * Connects a swarm session to the room's mesh: every member whose link is up now or later, the
 * swarm's messages and `lc-file` events. Returns what ends it.
 */
export function joinMesh(mesh: MeshController, node: SwarmNode): () => void {
  const linkTo = (member: Member): SwarmLink => ({
    peerId: member.peerId,
    isHost: member.peerId === mesh.hostPeerId,
    send: (message) => {
      mesh.send(member.peerId, message);
    },
    sendChunk: (frame) => mesh.sendFile(member.peerId, frame),
  });
  for (const member of mesh.members) {
    if (member.link === 'connected') node.addMember(linkTo(member));
  }
  return mesh.subscribe({
    linkReady: (member) => node.addMember(linkTo(member)),
    memberLeft: (member) => node.removeMember(member.peerId),
    message: (from, message) => {
      if (isSwarmMessage(message)) node.message(from.peerId, message);
    },
    file: (from, event) => {
      if (event.kind === 'data') node.frame?.(from.peerId, event.bytes);
      else if (event.kind === 'drain' || event.kind === 'open') node.drain(from.peerId);
    },
  });
}
