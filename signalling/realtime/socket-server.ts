import { randomUUID } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, Failure } from '../../shared/socket';
import type { ResolvedSession, SessionService } from '../auth/sessions';
import type { Logger } from '../log';
import type { RoomService } from '../rooms/service';
import type { AddressOf } from '../security/client-ip';
import { type Limits, take } from '../security/limits';
import { isAcceptedOrigin } from '../security/origin';
import type { Outcome, RealtimeContext } from './context';
import { handleJoin } from './join';
import type { JoinLock } from './keyed-lock';
import {
  currentRoom,
  disconnectSession,
  leaveCurrentRoom,
  roomKey,
  sessionKey,
  userKey,
} from './presence';
import { handleSignal } from './relay';
import { handleRemove } from './remove';
import type { ResumeTokens } from './resume';
import { failure, type LcServer, type LcSocket } from './types';

/** Large enough for an SDP offer with many tracks (shared SDP_MAX is 64 KiB), small otherwise. */
export const MAX_SOCKET_MESSAGE_BYTES = 100_000;

export interface SocketServerDeps {
  httpServer: HttpServer;
  publicOrigin: string | undefined;
  sessions: SessionService;
  addressOf: AddressOf;
  log: Logger;
}

export interface HandlerDeps {
  io: LcServer;
  httpServer: HttpServer;
  sessions: SessionService;
  rooms: RoomService;
  limits: Limits;
  log: Logger;
  /** Orders joins to a room: in-process for one node, through Redis for several. */
  joinLock: JoinLock;
  resume: ResumeTokens;
}

export interface Realtime {
  /** Cuts every socket that signed in with this session. */
  sessionRevoked(tokenHash: string): void;
  /**
   * Shuts this node's sockets and the HTTP server. Nobody is reported as left: the browsers
   * keep their peer connections and resume their peerIds when a server answers again.
   */
  close(): Promise<void>;
}

type Reply = { ok: true } | Failure;
type ClientEvent = keyof ClientToServerEvents;

const CLIENT_EVENTS: readonly string[] = [
  'room:join',
  'room:leave',
  'room:remove',
  'signal',
] satisfies ClientEvent[];

function isClientEvent(name: unknown): boolean {
  return typeof name === 'string' && CLIENT_EVENTS.includes(name);
}

/** An event name as reported back in server:error: bounded, since the client chose it. */
function eventName(name: unknown): string {
  return String(name).slice(0, 64);
}

type Ack = (reply: Reply) => void;

/** Answers through the ack when the client gave one; otherwise a failure goes to server:error. */
function answer(socket: LcSocket, event: unknown, ack: Ack | undefined, reply: Reply): void {
  if (ack) ack(reply);
  else if (!reply.ok) socket.emit('server:error', { event: eventName(event), error: reply.error });
}

function ackOf(args: unknown[]): Ack | undefined {
  const last = args.at(-1);
  if (typeof last !== 'function') return undefined;
  return (reply) => {
    last(reply);
  };
}

/**
 * The socket server with its gates (Origin, then the session cookie) and no handlers yet, so
 * the room rules can be built on it before they are wired to its events.
 */
export function createSocketServer(deps: SocketServerDeps): LcServer {
  const { httpServer, sessions, log } = deps;
  /** The session each admitted handshake carried, for the connection it becomes. */
  const admitted = new WeakMap<IncomingMessage, ResolvedSession>();
  const io: LcServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    // The client speaks WebSocket only (client/mesh/signalling-client.ts): no long-polling
    // sessions to hold, and every connection starts with one upgrade request checked below.
    transports: ['websocket'],
    // Both gates run here, before Engine.IO creates a session (buffers, ping timer): a
    // cookie-less handshake costs a cookie parse and nothing is kept. The Origin comes first,
    // before any cookie is read: browsers send cookies on cross-site WebSocket upgrades, so
    // the Origin is what stops another site using ours.
    allowRequest: (req, callback) => {
      if (!isAcceptedOrigin(req.headers.origin, deps.publicOrigin, httpServer)) {
        callback('forbidden_origin', false);
        return;
      }
      sessions.fromCookieHeader(req.headers.cookie).then(
        (session) => {
          if (!session) {
            callback('unauthorized', false);
            return;
          }
          admitted.set(req, session);
          callback(null, true);
        },
        (err: unknown) => {
          log.error({ err }, 'handshake failed');
          callback('internal', false);
        },
      );
    },
  });
  io.use(async (socket, next) => {
    try {
      // Checked again only if the request somehow reached here without passing allowRequest.
      const session =
        admitted.get(socket.request) ??
        (await sessions.fromCookieHeader(socket.request.headers.cookie));
      if (!session) {
        next(new Error('unauthorized'));
        return;
      }
      socket.data = {
        userId: session.user.id,
        name: session.user.username,
        sessionHash: session.tokenHash,
        address: deps.addressOf(socket.request),
        peerId: randomUUID(),
        roomId: null,
        role: null,
      };
      next();
    } catch (err) {
      log.error({ err }, 'handshake failed');
      next(new Error('internal'));
    }
  });

  return io;
}

/** Wires the socket events to the room rules; what it returns cuts sockets and shuts down. */
export function attachHandlers(deps: HandlerDeps): Realtime {
  const { io, httpServer, sessions, limits, log } = deps;
  const ctx: RealtimeContext = {
    io,
    rooms: deps.rooms,
    sessions,
    limits,
    joinLock: deps.joinLock,
    resume: deps.resume,
    log,
  };
  let closing = false;
  /** Not awaited by the socket's events: the room's lock may wait for a join in progress. */
  const hostLeft = (roomId: string): void => {
    deps.rooms.hostAway
      .hostLeft(roomId)
      .catch((err: unknown) => log.error({ err, roomId }, 'marking the host away failed'));
  };

  io.on('connection', (socket) => {
    void socket.join(sessionKey(socket.data.sessionHash));
    log.debug({ userId: socket.data.userId }, 'connected');
    // One event at a time per socket: signals must reach the peer in the order they were sent.
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (task: () => Promise<void>): void => {
      queue = queue.then(task);
    };
    // First in this socket's queue, so no event of it is handled before it is counted.
    enqueue(() => admitConnection(ctx, socket));

    socket.use((packet, next) => {
      void throttle(socket, limits, packet, log).then((allowed) => {
        if (!allowed) return;
        if (isClientEvent(packet[0])) {
          next();
          return;
        }
        answer(socket, packet[0], ackOf(packet.slice(1)), failure('bad_request', 'unknown event'));
      });
    });

    const on = (
      event: ClientEvent,
      handler: (payload: unknown) => Promise<Outcome<Reply>>,
    ): void => {
      socket.on(event, (...args: unknown[]) => {
        const ack = ackOf(args);
        const payload = typeof args[0] === 'function' ? undefined : args[0];
        enqueue(async () => {
          try {
            const outcome = await handler(payload);
            answer(socket, event, ack, outcome.reply);
            await outcome.after?.();
          } catch (err) {
            log.error({ err, event }, 'socket handler failed');
            answer(socket, event, ack, failure('internal', 'something went wrong'));
          }
        });
      });
    };

    on('room:join', (payload) => handleJoin(ctx, socket, payload));
    on('signal', (payload) => handleSignal(ctx, socket, payload));
    on('room:remove', (payload) => handleRemove(ctx, socket, payload));
    on('room:leave', async () => {
      const { roomId, role } = socket.data;
      await leaveCurrentRoom(socket);
      if (role === 'host' && roomId !== null) hostLeft(roomId);
      return { reply: { ok: true } };
    });

    socket.on('disconnecting', () => {
      if (closing) return;
      const roomId = currentRoom(socket);
      if (roomId !== null) {
        socket.to(roomKey(roomId)).emit('peer:left', { peerId: socket.data.peerId });
        if (socket.data.role === 'host') hostLeft(roomId);
      }
    });
  });

  return {
    sessionRevoked: (tokenHash) => disconnectSession(io, tokenHash),
    close: async () => {
      closing = true;
      // io.close() drops this node's transports without a disconnect packet, so browsers see
      // a lost connection and retry by themselves (a disconnect packet would stop their retries).
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

/**
 * Caps an account's sockets across every node (SOCKETS_PER_USER). Joined and counted under a
 * per-account lock, so of several connecting at once exactly those over the cap are cut. The
 * session is known by now: a stranger cannot use this to cut someone else's sockets.
 */
async function admitConnection(ctx: RealtimeContext, socket: LcSocket): Promise<void> {
  const { userId } = socket.data;
  const max = ctx.limits.config.socketsPerUser;
  try {
    await ctx.joinLock.run(userKey(userId), async () => {
      if (!socket.connected) return;
      await socket.join(userKey(userId));
      const held = (await ctx.io.in(userKey(userId)).fetchSockets()).length;
      if (held <= max) return;
      ctx.log.info({ userId, held }, 'too many sockets for one account; cut');
      socket.emit('server:error', {
        event: 'connect',
        error: {
          code: 'rate_limited',
          message: `too many connections for this account (at most ${max}); close another tab`,
        },
      });
      socket.disconnect(true);
    });
  } catch (err) {
    ctx.log.error({ err, userId }, 'counting sockets failed');
  }
}

/**
 * Per-connection flood control: events over the rate are dropped with rate_limited, and a
 * connection that keeps flooding is cut. Resolves whether the event may proceed.
 */
async function throttle(
  socket: LcSocket,
  limits: Limits,
  packet: unknown[],
  log: Logger,
): Promise<boolean> {
  try {
    if ((await take(limits.socketEvents, socket.id)).ok) return true;
    // Events already on their way when the socket was cut: nothing to answer, nothing to log.
    if (socket.disconnected) return false;
    answer(
      socket,
      packet[0],
      ackOf(packet.slice(1)),
      failure('rate_limited', 'too many messages; slow down'),
    );
    // Checked again after the await: of the events in flight, only the first to find the
    // budget spent cuts the socket and logs it.
    if (!(await take(limits.socketDrops, socket.id)).ok && socket.connected) {
      log.warn({ userId: socket.data.userId }, 'socket flooding; disconnected');
      socket.disconnect(true);
    }
  } catch (err) {
    log.error({ err }, 'throttle failed');
  }
  return false;
}
