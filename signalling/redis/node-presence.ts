import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { roomKey } from '../realtime/presence';
import type { LcServer } from '../realtime/types';

/**
 * A node unseen for TTL_MS is taken for dead; each node looks every INTERVAL_MS. A node that
 * stops cleanly is taken for dead after RESUME_GRACE_MS, time for its people to reconnect
 * (to another node, or to this one restarted) and resume their peerIds.
 */
export const NODE_HEARTBEAT = { intervalMs: 2000, ttlMs: 8000, resumeGraceMs: 15_000 } as const;

const NODES = 'lc:nodes';
const alive = (node: string) => `lc:node:${node}:alive`;
const peers = (node: string) => `lc:node:${node}:peers`;
const ROOM_PREFIX = roomKey('');

export interface NodePresence {
  /** Before this node's sockets close: they are not leaving their rooms, only this node. */
  shuttingDown(): void;
  /** Stops heartbeating; the others bury this node after the resume grace. */
  stop(): Promise<void>;
}

/**
 * A node that crashes never says peer:left for its sockets, and members elsewhere would keep
 * ghosts. So each node records which peers it holds in which room (from the adapter's own
 * join-room/leave-room events) and heartbeats; the first node to notice a missing heartbeat
 * claims the dead node (SREM returns 1 once) and tells each of its rooms that those peers
 * left, except those already back under the same peerId (a browser resumes it when it
 * reconnects). A node that stops cleanly is buried the same way, after the resume grace, so
 * its people keep their peer connections. Who is in a room is still answered by
 * fetchSockets(); this is only the obituary.
 */
export function startNodePresence(io: LcServer, redis: Redis, log: Logger): NodePresence {
  const self = randomUUID();
  const adapter = io.of('/').adapter;
  const entry = (room: string, socketId: string): string | undefined => {
    // The adapter's events are about this node's own sockets, so the local lookup is right.
    const peerId = io.sockets.sockets.get(socketId)?.data.peerId;
    return room.startsWith(ROOM_PREFIX) && peerId ? `${room} ${peerId}` : undefined;
  };
  let shuttingDown = false;
  const record = (op: 'sadd' | 'srem', member: string | undefined): void => {
    if (member === undefined || shuttingDown) return;
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
    const byRoom = new Map<string, string[]>();
    for (const item of lost) {
      const [room = '', peerId = ''] = item.split(' ');
      byRoom.set(room, [...(byRoom.get(room) ?? []), peerId]);
    }
    for (const [room, peerIds] of byRoom) {
      // Those already back (resumed on a live node, e.g. the dead one restarted) never left.
      const back = new Set((await io.in(room).fetchSockets()).map((s) => s.data.peerId));
      for (const peerId of peerIds)
        if (!back.has(peerId)) io.to(room).emit('peer:left', { peerId });
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
    shuttingDown: () => {
      shuttingDown = true;
    },
    stop: async () => {
      clearInterval(timer);
      await running.catch(() => undefined);
      await redis.set(alive(self), '1', 'PX', NODE_HEARTBEAT.resumeGraceMs);
    },
  };
}
