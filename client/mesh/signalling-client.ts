import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  failureSchema,
  type HostAway,
  hostAwaySchema,
  type JoinAck,
  type JoinRequest,
  joinSuccessSchema,
  type PeerInfo,
  type PinAttempts,
  peerInfoSchema,
  peerLeftSchema,
  pinAttemptsSchema,
  type RelayedSignal,
  type RoomClosed,
  relayedSignalSchema,
  roomClosedSchema,
  roomRemovedSchema,
  type ServerToClientEvents,
  type SignalData,
  type SocketError,
  socketErrorSchema,
} from '../../shared/socket';

/**
 * online: connected; reconnecting: lost, socket.io is retrying by itself; refused: the server
 * turned the handshake down (session gone or wrong origin) and will not be retried.
 */
export type ServerLink = 'connecting' | 'online' | 'reconnecting' | 'refused';

export interface SignallingListener {
  status(status: ServerLink): void;
  /**
   * A (re)connection attempt failed. The server refuses a handshake without a live session
   * at the WebSocket upgrade, which a browser sees only as a failed WebSocket, the same as a
   * server that is down: ask over HTTP which it was.
   */
  connectFailed(): void;
  /** Called on every (re)connection: a new socket is in no room, so join again (resuming our peerId). */
  connected(): void;
  peerJoined(peer: PeerInfo): void;
  peerLeft(peerId: string): void;
  signal(message: RelayedSignal): void;
  roomClosed(message: RoomClosed): void;
  hostAway(message: HostAway): void;
  pinAttempts(message: PinAttempts): void;
  serverError(message: SocketError): void;
}

const JOIN_TIMEOUT_MS = 10_000;

/** The typed socket to the signalling server; every payload it receives is parsed first. */
export class SignallingClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  constructor(private readonly listener: SignallingListener) {
    this.#socket = io({
      transports: ['websocket'],
      withCredentials: true,
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    const s = this.#socket;
    s.on('connect', () => {
      listener.status('online');
      listener.connected();
    });
    s.on('connect_error', () => {
      // An inactive socket was refused by the server's middleware and socket.io gives up.
      listener.status(s.active ? 'reconnecting' : 'refused');
      if (s.active) listener.connectFailed();
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      // The server dropping us on purpose (e.g. session revoked) is not retried by socket.io.
      listener.status(reason === 'io server disconnect' ? 'refused' : 'reconnecting');
    });
    s.on('peer:joined', (raw) => {
      const p = peerInfoSchema.safeParse(raw);
      if (p.success) listener.peerJoined(p.data);
    });
    s.on('peer:left', (raw) => {
      const p = peerLeftSchema.safeParse(raw);
      if (p.success) listener.peerLeft(p.data.peerId);
    });
    s.on('signal', (raw) => {
      const p = relayedSignalSchema.safeParse(raw);
      if (p.success) listener.signal(p.data);
    });
    s.on('room:closed', (raw) => {
      const p = roomClosedSchema.safeParse(raw);
      if (p.success) listener.roomClosed(p.data);
    });
    // Removed by the host: for us the room has ended, as if closed, with its own words.
    s.on('room:removed', (raw) => {
      const p = roomRemovedSchema.safeParse(raw);
      if (p.success) listener.roomClosed({ ...p.data, reason: 'removed' });
    });
    s.on('room:host-away', (raw) => {
      const p = hostAwaySchema.safeParse(raw);
      if (p.success) listener.hostAway(p.data);
    });
    s.on('room:pin-attempts', (raw) => {
      const p = pinAttemptsSchema.safeParse(raw);
      if (p.success) listener.pinAttempts(p.data);
    });
    s.on('server:error', (raw) => {
      const p = socketErrorSchema.safeParse(raw);
      if (p.success) listener.serverError(p.data);
    });
  }

  connect(): void {
    this.listener.status('connecting');
    this.#socket.connect();
  }

  async join(request: JoinRequest): Promise<JoinAck> {
    try {
      const reply: unknown = await this.#socket
        .timeout(JOIN_TIMEOUT_MS)
        .emitWithAck('room:join', request);
      const ok = joinSuccessSchema.safeParse(reply);
      if (ok.success) return ok.data;
      const failed = failureSchema.safeParse(reply);
      if (failed.success) return failed.data;
      return fail('internal', 'The server gave an unexpected answer.');
    } catch {
      return fail('internal', 'The server did not answer in time.');
    }
  }

  signal(to: string, data: SignalData): void {
    if (this.#socket.connected) this.#socket.emit('signal', { to, data });
  }

  /** A refusal comes back as server:error; while offline, socket.io sends it on reconnecting. */
  remove(peerId: string): void {
    this.#socket.emit('room:remove', { peerId });
  }

  leave(): void {
    if (this.#socket.connected) this.#socket.emit('room:leave');
  }

  close(): void {
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }
}

function fail(code: 'internal', message: string): JoinAck {
  return { ok: false, error: { code, message } };
}
