import type { z } from 'zod/mini';
import type { swarmMessageSchemas } from '../../shared/swarm/messages';
import type { OutgoingChunk } from '../../shared/swarm/pieces';

export type SwarmMessage = z.infer<(typeof swarmMessageSchemas)[number]>;

/** One link as a file's swarm sees it: JSON messages beside binary `lc-file` frames. */
export interface SwarmLink {
  readonly peerId: string;
  readonly isHost: boolean;
  send(message: SwarmMessage): void;
  /** Queues a chunk on `lc-file`; false when its buffer is full (wait for `drain`) or closed. */
  sendChunk(chunk: OutgoingChunk): boolean;
}

const SWARM_TYPES: ReadonlySet<string> = new Set<SwarmMessage['type']>([
  'file-hashes',
  'file-have',
  'file-want',
  'file-cancel',
  'file-none',
  'file-unplayable',
]);

/** Whether a validated data-channel message is one of the swarm's. */
export function isSwarmMessage(message: { type: string }): message is SwarmMessage {
  return SWARM_TYPES.has(message.type);
}
