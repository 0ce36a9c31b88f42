import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorEnvelope } from '../../shared/errors';
import type { Logger } from '../log';
import type { AddressOf } from './client-ip';
import { addressKey } from './connections';
import { FairTurns } from './fair-turns';
import { waitText } from './limits';

export interface RequestRate {
  /** Requests (and WebSocket upgrades) one address may make per second, sustained. */
  perSecond: number;
  /** Requests one address may make at once before the rate applies: a household loading pages. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** How often buckets back at full are forgotten, so idle addresses hold no memory. */
const PRUNE_EVERY_MS = 10_000;
/**
 * How long a refusal is held before it is sent. A client that waits for each answer before
 * its next request (most scripts) is slowed to one request per second per connection instead of
 * as many as the node can refuse; one that does not wait holds connections open and meets
 * CONNECTIONS_PER_IP, whose refusals cost only an accept and a close.
 */
export const REFUSAL_HOLD_MS = 1000;
/** Requests (and upgrades) of one address that start in one turn of the event loop (fair-turns.ts). */
export const REQUESTS_PER_TURN = 2;

/**
 * A token bucket per address: `burst` tokens, refilled at `perSecond`; each request takes one.
 * `take` answers 0 when the request may go on, otherwise the whole seconds until a token is back.
 */
export class AddressBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: RequestRate,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): number {
    const at = this.now();
    const bucket = this.#buckets.get(key);
    const tokens =
      bucket === undefined
        ? this.rate.burst
        : Math.min(
            this.rate.burst,
            bucket.tokens + ((at - bucket.at) / 1000) * this.rate.perSecond,
          );
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at });
      return 0;
    }
    this.#buckets.set(key, { tokens, at });
    return Math.max(1, Math.ceil((1 - tokens) / this.rate.perSecond));
  }

  /** Forgets addresses whose bucket has refilled: to them it is as if they never came. */
  prune(): string[] {
    const at = this.now();
    const full: string[] = [];
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((at - b.at) / 1000) * this.rate.perSecond >= this.rate.burst) full.push(key);
    }
    for (const key of full) this.#buckets.delete(key);
    return full;
  }

  get size(): number {
    return this.#buckets.size;
  }
}

const refusalBody = (seconds: number): string => {
  const envelope: ErrorEnvelope = {
    error: {
      code: 'rate_limited',
      message: `too many requests; try again in ${waitText(seconds)}`,
    },
  };
  return JSON.stringify(envelope);
};

export interface RequestGate {
  /**
   * Puts every `request` and `upgrade` listener the server has (express, and Socket.IO's,
   * which answers its own paths before express) behind the gate. Call once they are all
   * attached; listeners added later are not gated.
   */
  guard(server: HttpServer): void;
  /** When the gate saw `req` arrive (performance.now()), before any wait for its turn. */
  arrivedAt(req: IncomingMessage): number | undefined;
  close(): void;
}

type Listener = (...args: unknown[]) => void;

/** The server's current listeners for `event`, taken off it to be called through the gate. */
function takeListeners(server: HttpServer, event: 'request' | 'upgrade'): Listener[] {
  const listeners = server.listeners(event) as Listener[];
  server.removeAllListeners(event);
  return listeners;
}

/**
 * Refuses an address that sends requests faster than people do, before express, helmet or
 * Socket.IO see them, and starts the requests it lets through in fair turns (fair-turns.ts): a
 * refusal is a 429 written straight to the response (or, for an upgrade, to the socket) after
 * REFUSAL_HOLD_MS, about what a server that does no work costs (bench/abuse/floor.ts), where one
 * that went through express, helmet and a limiter cost the node's one event loop several times
 * that. Counted by the client address as the rest of the limits see it (behind a trusted proxy,
 * the address it forwards), an IPv6 address by its /64. One log line per address per episode,
 * however many requests it sends.
 */
export function createRequestGate(
  rate: RequestRate,
  addressOf: AddressOf,
  log: Logger,
): RequestGate {
  const buckets = new AddressBuckets(rate);
  /** Addresses refused since their bucket was last full. */
  const refusing = new Set<string>();
  const pruner = setInterval(() => {
    for (const key of buckets.prune()) refusing.delete(key);
  }, PRUNE_EVERY_MS);
  pruner.unref();

  const arrivals = new WeakMap<IncomingMessage, number>();
  const turns = new FairTurns(REQUESTS_PER_TURN, (err) =>
    log.error({ err }, 'a request handler threw'),
  );

  /** Seconds to wait when the address `key` is over its rate, else 0. */
  const wait = (key: string): number => {
    const seconds = buckets.take(key);
    if (seconds > 0 && !refusing.has(key)) {
      refusing.add(key);
      // An address is personal data: logged only when an operator asks for debug.
      log.warn(
        log.isLevelEnabled('debug') ? { address: key } : {},
        'too many requests from one address; answering 429 until it slows down',
      );
    }
    return seconds;
  };

  /** Runs `send` after the hold; a timer alone, so a held refusal costs no more than that. */
  const hold = (send: () => void): void => {
    setTimeout(send, REFUSAL_HOLD_MS).unref();
  };

  const refuse = (res: ServerResponse, seconds: number): void => {
    const body = refusalBody(seconds);
    if (res.destroyed) return;
    res.writeHead(429, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Retry-After': String(seconds),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  };

  const refuseUpgrade = (socket: Duplex, seconds: number): void => {
    if (socket.destroyed) return;
    const body = refusalBody(seconds);
    socket.end(
      `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${seconds}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  return {
    guard: (server) => {
      const requests = takeListeners(server, 'request');
      const upgrades = takeListeners(server, 'upgrade');
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        arrivals.set(req, performance.now());
        const key = addressKey(addressOf(req));
        const seconds = wait(key);
        if (seconds > 0) hold(() => refuse(res, seconds));
        else
          turns.run(key, () => {
            for (const listener of requests) listener.call(server, req, res);
          });
      });
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const key = addressKey(addressOf(req));
        const seconds = wait(key);
        // An upgrade's socket is ours alone now: a reset while it waits must not throw.
        socket.on('error', () => undefined);
        if (seconds > 0) hold(() => refuseUpgrade(socket, seconds));
        else
          turns.run(key, () => {
            if (socket.destroyed) return;
            for (const listener of upgrades) listener.call(server, req, socket, head);
          });
      });
    },
    arrivedAt: (req) => arrivals.get(req),
    close: () => clearInterval(pruner),
  };
}
