import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '../../shared/errors';
import {
  connectSocket,
  handshakeOutcome,
  registerUser,
  startTestServer,
  type TestServer,
} from '../testing/harness';
import { type RedisServer, redisMissing, startRedisServer } from '../testing/redis-server';
import { AddressBuckets, REFUSAL_HOLD_MS } from './request-rate';

/** The server listens on 127.0.0.1; Linux routes all of 127/8 to loopback, so 127.0.0.2 is another client. */
const FLOODER = '127.0.0.2';
const BURST = 5;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
  /** From sending the request to the end of the answer. */
  ms: number;
}

function get(
  url: URL,
  path: string,
  localAddress: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: url.hostname, port: url.port, path, localAddress, headers, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body,
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
  });
}

describe('AddressBuckets', () => {
  it('lets a burst through, then one request per 1/rate seconds, and says how long to wait', () => {
    let now = 0;
    const buckets = new AddressBuckets({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    expect(buckets.take('b')).toBe(0);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1);
  });

  it('forgets an address once its bucket is full again', () => {
    let now = 0;
    const buckets = new AddressBuckets({ perSecond: 1, burst: 2 }, () => now);
    buckets.take('a');
    buckets.take('a');
    buckets.take('b');
    now = 1000;
    expect(buckets.prune()).toEqual(['b']);
    now = 2000;
    expect(buckets.prune()).toEqual(['a']);
    expect(buckets.size).toBe(0);
  });
});

function gateTests(env: () => Record<string, string>): void {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { ...env(), REQUEST_BURST_PER_IP: String(BURST), REQUEST_RATE_PER_IP: '1' },
    });
  });
  afterAll(() => server.stop());

  it('answers a flooding address 429 with Retry-After while another address is served', async () => {
    for (let i = 0; i < BURST; i += 1) {
      expect((await get(server.url, '/api/health', FLOODER)).status).toBe(200);
    }
    // All at once, well within the second that refills one token: the API, the page and
    // Socket.IO's own paths and upgrade are behind the same gate, before Engine.IO.
    const [handshake, ...refused] = await Promise.all([
      handshakeOutcome(server.url, undefined, { localAddress: FLOODER }),
      get(server.url, '/api/health', FLOODER),
      get(server.url, '/', FLOODER),
      get(server.url, '/socket.io/?EIO=4&transport=polling', FLOODER),
    ]);
    expect(errorEnvelopeSchema.parse(JSON.parse(handshake ?? '')).error.code).toBe('rate_limited');
    for (const a of refused) {
      expect(a.status).toBe(429);
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(errorEnvelopeSchema.parse(JSON.parse(a.body)).error.code).toBe('rate_limited');
      // Held before it is sent, so a client that waits for its answers is slowed down.
      expect(a.ms).toBeGreaterThanOrEqual(REFUSAL_HOLD_MS - 50);
    }

    // Meanwhile another address signs up, gets its health and opens its room socket.
    expect((await get(server.url, '/api/health', '127.0.0.1')).status).toBe(200);
    const account = await registerUser(server.url);
    const socket = await connectSocket(server.url, account.cookie);
    expect(socket.connected).toBe(true);
    socket.close();
  });
}

describe('requests per address (lowdb)', () => {
  gateTests(() => ({}));
});

describe.skipIf(redisMissing !== undefined)(
  `requests per address (Redis)${redisMissing ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis.stop());
    gateTests(() => ({ REDIS_URL: redis.url }));
  },
);

describe('requests per address behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { TRUST_PROXY: 'loopback', REQUEST_BURST_PER_IP: '2', REQUEST_RATE_PER_IP: '1' },
    });
  });
  afterAll(() => server.stop());

  it('counts the address the proxy forwards, not the proxy', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push(
        (await get(server.url, '/api/health', '127.0.0.1', from('198.51.100.1'))).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect((await get(server.url, '/api/health', '127.0.0.1', from('198.51.100.2'))).status).toBe(
      200,
    );
  });
});
