import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  registerUser,
  roundTrip,
  startTestServer,
  type TestServer,
  until,
} from '../testing/harness';
import { addressKey } from './connections';
import { connectionBudget, FD_RESERVE, parseOpenFileLimit } from './fd-limit';

/** The server listens on 127.0.0.1; Linux routes all of 127/8 to loopback, so 127.0.0.2 is another client. */
const OTHER_ADDRESS = '127.0.0.2';

function rawConnect(url: URL, localAddress = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent before it closed the connection, and when it closed. */
function closed(socket: net.Socket): Promise<{ data: string; at: number }> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ data, at: Date.now() }));
  });
}

function health(url: URL, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: url.hostname, port: url.port, path: '/api/health', localAddress, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('connections per address', () => {
  let server: TestServer;
  const open: net.Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ env: { CONNECTIONS_PER_IP: '5', REQUEST_TIMEOUT: '30' } });
  });
  afterEach(async () => {
    const held = open.splice(0);
    for (const s of held) s.destroy();
    // The server counts a connection until it sees it close: the next test starts from zero.
    await until(async () => (await health(server.url, '127.0.0.1').catch(() => 0)) === 200);
  });
  afterAll(() => server.stop());

  it('refuses an address over the cap while another address still gets /api/health', async () => {
    for (let i = 0; i < 5; i += 1) open.push(await rawConnect(server.url));
    const over = await rawConnect(server.url);
    open.push(over);
    const refused = closed(over);
    over.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await refused).data).toBe('');
    expect(await health(server.url, OTHER_ADDRESS)).toBe(200);
    // Held connections are still served: the cap refuses new ones, it does not cut old ones.
    const first = open[0] as net.Socket;
    const answer = new Promise<string>((resolve) =>
      first.once('data', (c: Buffer) => resolve(c.toString())),
    );
    first.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200/);
  });

  it('gives an address its connections back as they close', async () => {
    const held: net.Socket[] = [];
    for (let i = 0; i < 5; i += 1) held.push(await rawConnect(server.url));
    await expect(health(server.url, '127.0.0.1')).rejects.toThrow();
    for (const s of held) s.destroy();
    await until(async () => (await health(server.url, '127.0.0.1').catch(() => 0)) === 200);
  });
});

describe('silent and slow connections', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REQUEST_TIMEOUT: '1' } });
  });
  afterAll(() => server.stop());

  it('closes a connection that sends nothing within REQUEST_TIMEOUT', async () => {
    const socket = await rawConnect(server.url);
    const start = Date.now();
    const { at } = await closed(socket);
    expect(at - start).toBeGreaterThanOrEqual(900);
    expect(at - start).toBeLessThan(3000);
  });

  it('closes a connection that dribbles its headers past REQUEST_TIMEOUT', async () => {
    const socket = await rawConnect(server.url);
    const start = Date.now();
    const done = closed(socket);
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const { at, data } = await done;
    clearInterval(drip);
    expect(data).not.toMatch(/^HTTP\/1\.1 200/);
    expect(at - start).toBeLessThan(3000);
  });

  it('keeps a keep-alive connection for its next request and a WebSocket past the timeout', async () => {
    const a = await registerUser(server.url);
    const ws = await connectSocket(server.url, a.cookie);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; socket: net.Socket }>((resolve, reject) => {
        const req = http.get(new URL('/api/health', server.url), { agent }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, socket: req.socket as net.Socket }),
          );
        });
        req.on('error', reject);
      });
    const first = await get();
    // Past REQUEST_TIMEOUT (1 s) and within Node's keep-alive wait (5 s): the time is the point.
    await wait(2000);
    const second = await get();
    expect(second.status).toBe(200);
    expect(second.socket).toBe(first.socket);
    expect(ws.connected).toBe(true);
    await roundTrip(ws);
    ws.close();
    agent.destroy();
  });
});

describe('the open-file limit', () => {
  it('reads the soft limit from /proc/self/limits', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max open files            1024                 524288               files     ',
    ].join('\n');
    expect(parseOpenFileLimit(limits)).toBe(1024);
    expect(parseOpenFileLimit(limits.replace('1024 ', 'unlimited'))).toBeUndefined();
    expect(parseOpenFileLimit('nothing here')).toBeUndefined();
  });

  it('caps connections below the limit and warns when a few addresses could fill it', () => {
    expect(connectionBudget(1024, 50, undefined)).toMatchObject({ total: 1024 - FD_RESERVE });
    expect(connectionBudget(1024, 50, undefined).warning).toMatch(/open-file limit is low/);
    expect(connectionBudget(65_536, 50, undefined).warning).toBeUndefined();
    expect(connectionBudget(65_536, 50, 100_000).warning).toMatch(/MAX_CONNECTIONS=100000/);
    expect(connectionBudget(undefined, 50, undefined)).toEqual({
      total: undefined,
      warning: undefined,
    });
  });
});

describe('address keys', () => {
  it('counts IPv4-mapped addresses as IPv4 and IPv6 by its /64', () => {
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
