import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { roomKey } from '../realtime/presence';
import type { LcServer } from '../realtime/types';

/** A node unseen for TTL_MS is taken for dead; each node looks every INTERVAL_MS. */
export const NODE_HEARTBEAT = { intervalMs: 2000, ttlMs: 8000 } as const;

const NODES = 'lc:nodes';
const alive = (node: string) => `lc:node:${node}:alive`;
const peers = (node: string) => `lc:node:${node}:peers`;
const ROOM_PREFIX = roomKey('');

export interface NodePresence {
  stop(): Promise<void>;
}

/**
 * A node that crashes never says peer:left for its sockets, and members elsewhere would keep
 * ghosts. So each node records which peers it holds in which room (from the adapter's own
 * join-room/leave-room events) and heartbeats; the first node to notice a missing heartbeat
 * claims the dead node (SREM returns 1 once) and tells each of its rooms that those peers
 * left. Who is in a room is still answered by fetchSockets(); this is only the obituary.
 */
export function startNodePresence(io: LcServer, redis: Redis, log: Logger): NodePresence {
  const self = randomUUID();
  const adapter = io.of('/').adapter;
  const entry = (room: string, socketId: string): string | undefined => {
    // The adapter's events are about this node's own sockets, so the local lookup is right.
    const peerId = io.sockets.sockets.get(socketId)?.data.peerId;
    return room.startsWith(ROOM_PREFIX) && peerId ? `${room} ${peerId}` : undefined;
  };
  const record = (op: 'sadd' | 'srem', member: string | undefined): void => {
    if (member === undefined) return;
    redis[op](peers(self), member).catch((err: unknown) => log.warn({ err }, 'presence write'));
  };
  adapter.on('join-room', (room: string, id: string) => record('sadd', entry(room, id)));
  adapter.on('leave-room', (room: string, id: string) => record('srem', entry(room, id)));

  const beat = async (): Promise<void> => {
    await redis.multi().set(alive(self), '1', 'PX', NODE_HEARTBEAT.ttlMs).sadd(NODES, self).exec();
    for (const node of await redis.smembers(NODES)) {
      if (node === self || (await redis.exists(alive(node))) === 1) continue;
      if ((await redis.srem(NODES, node)) === 1) await bury(node);
    }
  };
  const bury = async (node: string): Promise<void> => {
    const lost = await redis.smembers(peers(node));
    await redis.del(peers(node));
    for (const item of lost) {
      const [room = '', peerId = ''] = item.split(' ');
      io.to(room).emit('peer:left', { peerId });
    }
    log.warn({ node, peers: lost.length }, 'a node stopped answering; its peers were let go');
  };

  const tick = () => beat().catch((err: unknown) => log.warn({ err }, 'node heartbeat'));
  let running = tick();
  const timer = setInterval(() => {
    running = running.then(tick);
  }, NODE_HEARTBEAT.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running.catch(() => undefined);
      await redis.multi().srem(NODES, self).del(alive(self), peers(self)).exec();
    },
  };
}
