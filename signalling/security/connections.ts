import type { Server as HttpServer, IncomingMessage, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import type { Logger } from '../log';

export interface ConnectionLimits {
  /** Open connections one address (an IPv6 /64) may hold; more are closed at once. */
  perAddress: number;
  /** Open connections in all; undefined: no cap of our own. */
  total: number | undefined;
  /** A new connection must deliver its first complete request within this. */
  requestTimeoutMs: number;
  /** Peers whose connections carry many people (a trusted proxy): not capped per address. */
  isTrustedProxy(address: string): boolean;
}

/** How often Node looks for requests over their time: often enough for a timeout of seconds. */
const CHECK_INTERVAL_MS = 1000;

/** Node's own clocks for each request, given when the server is created. */
export function timeoutOptions(requestTimeoutMs: number): ServerOptions {
  return {
    headersTimeout: requestTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
}

/**
 * The key an address is counted under. IPv4-mapped IPv6 is its IPv4 address; an IPv6 address
 * counts by its /64, the block one subscriber usually gets, so rotating addresses within it
 * gains nothing.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] ?? address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Holds connections to what one address may take and how long a connection may stay silent,
 * so idle or slow connections from one client cannot use up the process's file descriptors:
 * - over `perAddress` (or `total`) a new connection is closed before it is read;
 * - a connection that has not completed its first request within the timeout is closed;
 *   later requests on a keep-alive connection get the same through timeoutOptions, and the
 *   wait between them is Node's keepAliveTimeout (5 s). An upgraded WebSocket leaves these
 *   clocks: socket.io's pings keep it honest.
 */
export function guardConnections(server: HttpServer, limits: ConnectionLimits, log: Logger): void {
  if (limits.total !== undefined) server.maxConnections = limits.total;

  const open = new Map<string, number>();
  /** Keys refused since their count last fell to zero: one log line per episode, not per try. */
  const refusing = new Set<string>();
  const firstRequest = new WeakMap<Socket, NodeJS.Timeout>();

  const arrived = (req: IncomingMessage): void => {
    const timer = firstRequest.get(req.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    firstRequest.delete(req.socket);
  };
  server.on('request', arrived);
  server.on('upgrade', arrived);

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy();
      return;
    }
    const key = limits.isTrustedProxy(address) ? undefined : addressKey(address);
    if (key !== undefined) {
      const held = open.get(key) ?? 0;
      if (held >= limits.perAddress) {
        if (!refusing.has(key)) {
          refusing.add(key);
          // An address is personal data: logged only when an operator asks for debug.
          log.warn(
            log.isLevelEnabled('debug') ? { address: key } : {},
            'too many connections from one address; refusing more',
          );
        }
        socket.destroy();
        return;
      }
      open.set(key, held + 1);
    }
    const timer = setTimeout(() => socket.destroy(), limits.requestTimeoutMs);
    timer.unref();
    firstRequest.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      if (key === undefined) return;
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) {
        open.set(key, left);
      } else {
        open.delete(key);
        refusing.delete(key);
      }
    });
  });
}
