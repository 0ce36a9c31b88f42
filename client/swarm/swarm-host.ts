import { type FileSource, fileTag, HASHES_PER_MESSAGE } from '../../shared/swarm/messages';
import { ChunkServer } from './chunk-server';
import { SeedFile } from './seed-file';
import type { SwarmLink, SwarmMessage } from './swarm-link';

export interface SwarmHostEvents {
  /** A guest's browser cannot play the file. */
  unplayable(peerId: string, reason: 'no_picture' | 'no_sound' | 'error'): void;
}

/**
 * The host's side of a shared file: reads it lazily, announces each chunk's hash as it first
 * reads it (to every guest, and all known ones to a guest that arrives), and serves chunks
 * that guests ask of it. A chunk guests trade came from the host first, so its hash is known
 * before anyone can need it: the host never reads the file for hashing alone.
 */
export class SwarmHost {
  readonly seed: SeedFile;
  readonly #links = new Map<string, SwarmLink>();
  readonly #server: ChunkServer;

  constructor(
    readonly source: FileSource,
    file: Blob,
    private readonly events: SwarmHostEvents,
  ) {
    this.seed = new SeedFile(file, source, (first, hashes) => {
      for (const link of this.#links.values()) this.#sendHashes(link, first, hashes);
    });
    this.seed.warm();
    // A chunk goes out unframed: PieceSender cuts its bytes straight into pieces.
    const tag = fileTag(source.id);
    this.#server = new ChunkServer(async (index) =>
      index < this.seed.chunks ? { tag, index, bytes: await this.seed.chunk(index) } : null,
    );
  }

  /** Bytes sent to each guest. */
  get sent(): ReadonlyMap<string, number> {
    return this.#server.sent;
  }

  addMember(link: SwarmLink): void {
    this.#links.set(link.peerId, link);
    this.#server.relinked(link.peerId);
    this.#sendKnownHashes(link);
  }

  /** Every hash known so far, in runs of consecutive chunks. */
  #sendKnownHashes(link: SwarmLink): void {
    const known = this.seed.hashes;
    for (let i = 0; i < known.length; ) {
      if (known[i] === undefined) {
        i++;
        continue;
      }
      const run: string[] = [];
      const first = i;
      while (i < known.length && known[i] !== undefined && run.length < HASHES_PER_MESSAGE) {
        run.push(known[i] as string);
        i++;
      }
      this.#sendHashes(link, first, run);
    }
  }

  removeMember(peerId: string): void {
    this.#links.delete(peerId);
    this.#server.forget(peerId);
  }

  message(peerId: string, message: SwarmMessage): void {
    const link = this.#links.get(peerId);
    if (!link || message.id !== this.source.id) return;
    if (message.type === 'file-want') {
      this.#server.want(
        peerId,
        {
          sendChunk: (frame) => link.sendChunk(frame),
          none: (chunk) => link.send({ type: 'file-none', id: this.source.id, chunk }),
        },
        message.chunk,
        message.urgent === true,
      );
    } else if (message.type === 'file-cancel') {
      this.#server.cancel(peerId, message.chunk);
    } else if (message.type === 'file-have') {
      // A guest joined the file (or came back): hashes sent before it listened were lost.
      this.#sendKnownHashes(link);
    } else if (message.type === 'file-unplayable') {
      this.events.unplayable(peerId, message.reason);
    }
  }

  drain(peerId: string): void {
    this.#server.drain(peerId);
  }

  close(): void {
    this.#links.clear();
  }

  #sendHashes(link: SwarmLink, first: number, hashes: string[]): void {
    for (let k = 0; k < hashes.length; k += HASHES_PER_MESSAGE) {
      link.send({
        type: 'file-hashes',
        id: this.source.id,
        first: first + k,
        hashes: hashes.slice(k, k + HASHES_PER_MESSAGE),
      });
    }
  }
}
