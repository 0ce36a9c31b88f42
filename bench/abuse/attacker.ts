import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { ATTACKER_ADDRESS, ATTACKS, type Attack, isAttack } from './attacks';
import { cookieOf, loopbackAddress, request } from './http';

/**
 * One attack, in a process of its own so its work never delays the well-behaved client's
 * timings: `tsx bench/abuse/attacker.ts KIND URL SECONDS [USERNAMES]`. Prints one JSON line:
 * what the attacker sent and what it got. USERNAMES (comma-separated) are the accounts the
 * spread sign-ins guess at for `sign-ins-spread-accounts`; the other sign-in floods make names up.
 */
/** Idle connections the flood tries to hold: the 1,000 and then some. */
const IDLE_TARGET = 2000;
const CONCURRENCY = 20;
/** Addresses the spread sign-in flood rotates through. */
const SPREAD_ADDRESSES = 250;

type Tally = Record<string, number>;
const count = (t: Tally, key: string | number): void => {
  t[key] = (t[key] ?? 0) + 1;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function idleConnections(base: URL, end: number): Promise<object> {
  const open = new Set<net.Socket>();
  const connected = new Set<net.Socket>();
  let opened = 0;
  let closedByServer = 0;
  let peakHeld = 0;
  const lifetimes: number[] = [];
  while (Date.now() < end) {
    const want = Math.min(100, IDLE_TARGET - open.size);
    for (let i = 0; i < want; i += 1) {
      const started = Date.now();
      const socket = net.connect({
        host: base.hostname,
        port: Number(base.port),
        localAddress: ATTACKER_ADDRESS,
      });
      open.add(socket);
      socket.once('connect', () => {
        opened += 1;
        connected.add(socket);
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        open.delete(socket);
        if (!connected.delete(socket) || Date.now() >= end) return;
        closedByServer += 1;
        lifetimes.push(Date.now() - started);
      });
    }
    peakHeld = Math.max(peakHeld, connected.size);
    await sleep(50);
  }
  for (const s of open) s.destroy();
  lifetimes.sort((a, b) => a - b);
  return {
    target: IDLE_TARGET,
    opened,
    closedByServer,
    peakOpenSeenByAttacker: peakHeld,
    medianLifetimeMs: lifetimes[Math.floor(lifetimes.length / 2)] ?? null,
  };
}

function upgrade(base: URL): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({
      host: base.hostname,
      port: base.port,
      path: '/socket.io/?EIO=4&transport=websocket',
      localAddress: ATTACKER_ADDRESS,
      agent: false,
      headers: {
        origin: base.origin,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('accepted');
    });
    req.on('response', (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', () => resolve('refused'));
    req.end();
  });
}

async function loop(end: number, step: () => Promise<string | number>): Promise<Tally> {
  const tally: Tally = {};
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) count(tally, await step());
    }),
  );
  return tally;
}

async function run(kind: Attack, base: URL, end: number, usernames: string[]): Promise<object> {
  switch (kind) {
    case 'idle-connections':
      return idleConnections(base, end);
    case 'handshakes':
      return { answers: await loop(end, () => upgrade(base)) };
    case 'rooms': {
      const reg = await request(base, ATTACKER_ADDRESS, 'POST', '/api/auth/register', {
        body: { username: `flood_${process.pid}`, password: 'correct horse battery' },
      });
      const cookie = cookieOf(reg);
      return {
        answers: await loop(end, async () => {
          const res = await request(base, ATTACKER_ADDRESS, 'POST', '/api/rooms', {
            body: {},
            cookie,
          });
          return res.status;
        }),
      };
    }
    case 'sign-ins':
    case 'sign-ins-spread':
    case 'sign-ins-spread-accounts': {
      let n = 0;
      return {
        answers: await loop(end, async () => {
          n += 1;
          const from =
            kind === 'sign-ins' ? ATTACKER_ADDRESS : loopbackAddress(4, 1 + (n % SPREAD_ADDRESSES));
          const username =
            kind === 'sign-ins-spread-accounts'
              ? (usernames[n % usernames.length] ?? 'nobody')
              : `nobody_${n % 1000}`;
          const res = await request(base, from, 'POST', '/api/auth/login', {
            body: { username, password: 'not the password' },
          });
          return res.status;
        }),
      };
    }
  }
}

const [kind, url, seconds, usernames = ''] = process.argv.slice(2);
if (!isAttack(kind) || url === undefined) {
  throw new Error(`usage: attacker.ts ${ATTACKS.join('|')} URL SECONDS`);
}
const end = Date.now() + Number(seconds) * 1000;
const started = performance.now();
const result = await run(kind, new URL(url), end, usernames.split(',').filter(Boolean));
// The attacker's own CPU, which on one machine is taken from everyone else's, the server's too.
const { user, system } = process.cpuUsage();
const cpuPercentOfCore = Math.round(((user + system) / 1000 / (performance.now() - started)) * 100);
process.stdout.write(`${JSON.stringify({ ...result, cpuPercentOfCore })}\n`);
