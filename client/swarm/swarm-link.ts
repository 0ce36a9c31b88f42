import type { z } from 'zod/mini';
import type { swarmMessageSchemas } from '../../shared/swarm/messages';

export type SwarmMessage = z.infer<(typeof swarmMessageSchemas)[number]>;

/** One link as a file's swarm sees it: JSON messages beside binary `lc-file` frames. */
export interface SwarmLink {
  readonly peerId: string;
  readonly isHost: boolean;
  send(message: SwarmMessage): void;
  /** Queues a frame on `lc-file`; false when its buffer is full (wait for `drain`) or closed. */
  sendChunk(frame: ArrayBuffer): boolean;
}
