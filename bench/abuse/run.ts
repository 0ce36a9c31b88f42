import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { roomReplySchema } from '../../shared/http';
import type { ClientSocket } from '../../signalling/testing/harness';
import { startServer } from '../../signalling/testing/server-process';
import { finishEnvironment, startEnvironment } from '../lib/environment';
import { treeCpuSeconds } from '../lib/proc';
import { writeResults } from '../lib/results';
import { round } from '../lib/stats';
import { ATTACKS, type Attack, CLIENT_ADDRESS, isAttack } from './attacks';
import { cookieOf, loopbackAddress, type Reply, request } from './http';
import { type Sampled, Samples, startAttacker } from './probe';

/**
 * bench/abuse: one server node in its own process at its production defaults (bcrypt cost 12,
 * every limit as shipped), and beside it a well-behaved client that keeps checking health,
 * signing in and joining a room. Each attack of bench/abuse/attacker.ts runs alone for a phase;
 * the client's latencies in a quiet phase just before are compared with those during it, with
 * the server's RSS and open fds. Health checks and the room's sockets come from the client's
 * own address (CLIENT_ADDRESS), never the attacker's. The client signs in with many accounts,
 * each from an address of its own (127.1.x.y), so that its own sign-ins stay within the
 * per-account and per-address budgets while it takes many samples; to the server they are many
 * people, each signing in where it did before. Every few seconds one of them also signs in from
 * an address it never used (127.5.x.y, a new one each time): the owner on a new network, in the
 * browser it signed in with before (its device cookie makes it a known pair), and another from
 * a new address without that cookie (127.6.x.y): a new browser on a new network, whose sign-in
 * takes its turn with strangers'. Prints figures, writes bench/results/abuse.json;
 * never fails on timing (it is not part of npm test).
 */
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 20);
/** The attacker starts this long before the client measures "during": its flood is up by then. */
const RAMP_SECONDS = 3;
const RUN_ATTACKS: Attack[] = (process.env.BENCH_ATTACKS?.split(',') ?? [...ATTACKS]).filter(
  isAttack,
);
const HEALTH_EVERY_MS = 100;
const SIGN_IN_EVERY_MS = 1000;
const NEW_ADDRESS_SIGN_IN_EVERY_MS = 2000;
const JOIN_EVERY_MS = 250;
/** Enough that no account signs in more than AUTH_LIMIT_PER_USERNAME (10) times in 15 minutes. */
const ACCOUNTS = 60;
const PASSWORD = 'correct horse battery';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PhaseFigures {
  health: Sampled;
  /** The server's own time for those health checks (Server-Timing), from its gate to its answer. */
  healthOnServer: Sampled;
  signIn: Sampled;
  newAddressSignIn: Sampled;
  newDeviceSignIn: Sampled;
  join: Sampled;
  server: {
    rssMiBMax: number;
    fdsMax: number;
    rssMiBEnd: number;
    fdsEnd: number;
    /** The server process's CPU over the phase, in % of one core. */
    cpuPercentOfCore: number;
  };
}

function serverUsage(pid: number): { rssMiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: round(kb / 1024, 1), fds: readdirSync(`/proc/${pid}/fd`).length };
}

interface GoodClient {
  roomId: string;
  pin: string;
  guest: ClientSocket;
  /** `device`: the account's browser's device cookie, from its registration. */
  accounts: { username: string; address: string; device: string }[];
  signIns: number;
  newAddressSignIns: number;
  newDeviceSignIns: number;
}

async function register(base: URL, username: string, address: string): Promise<Reply> {
  const res = await request(base, address, 'POST', '/api/auth/register', {
    body: { username, password: PASSWORD },
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.body}`);
  return res;
}

function connect(base: URL, cookie: string, localAddress: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(base.origin, {
    transports: ['websocket'],
    extraHeaders: { origin: base.origin, cookie },
    // engine.io-client hands this to the ws transport, which binds the source address.
    transportOptions: { websocket: { localAddress } },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function setUpClient(base: URL): Promise<GoodClient> {
  const hostCookie = cookieOf(await register(base, `host_${process.pid}`, CLIENT_ADDRESS));
  const created = await request(base, CLIENT_ADDRESS, 'POST', '/api/rooms', {
    body: {},
    cookie: hostCookie,
  });
  const room = roomReplySchema.parse(JSON.parse(created.body)).room;
  const host = await connect(base, hostCookie, CLIENT_ADDRESS);
  const hostJoin = await host.timeout(10_000).emitWithAck('room:join', {
    roomId: room.id,
    pin: room.pin,
  });
  if (!hostJoin.ok) throw new Error(`host join: ${hostJoin.error.code}`);
  const accounts: GoodClient['accounts'] = [];
  for (let i = 1; i <= ACCOUNTS; i += 1) {
    const username = `guest_${process.pid}_${i}`;
    const address = loopbackAddress(1, i);
    const device = cookieOf(await register(base, username, address), 'lc_device');
    accounts.push({ username, address, device });
  }
  const guest = await connect(
    base,
    cookieOf(await register(base, `guest_${process.pid}`, CLIENT_ADDRESS)),
    CLIENT_ADDRESS,
  );
  return {
    roomId: room.id,
    pin: room.pin,
    guest,
    accounts,
    signIns: 0,
    newAddressSignIns: 0,
    newDeviceSignIns: 0,
  };
}

/** The well-behaved client for `seconds`, and the server's usage sampled meanwhile. */
async function measure(
  base: URL,
  pid: number,
  client: GoodClient,
  seconds: number,
): Promise<PhaseFigures> {
  const end = Date.now() + seconds * 1000;
  const cpuStart = treeCpuSeconds(pid);
  const health = new Samples();
  const healthOnServer = new Samples();
  const signIn = new Samples();
  const newAddressSignIn = new Samples();
  const newDeviceSignIn = new Samples();
  const join = new Samples();
  let rssMiBMax = 0;
  let fdsMax = 0;
  /** Account `n` (in turn) signs in from where `how` says, with the cookie it says. */
  const signInAs = async (
    n: number,
    how: (account: GoodClient['accounts'][number]) => { from: string; cookie?: string },
  ): Promise<string> => {
    const account = client.accounts[n % client.accounts.length];
    if (!account) return 'no account';
    const { from, cookie } = how(account);
    const res = await request(base, from, 'POST', '/api/auth/login', {
      body: { username: account.username, password: PASSWORD },
      cookie,
    });
    return res.status === 200 ? 'ok' : `status ${res.status}`;
  };
  const every = async (ms: number, step: () => Promise<void>): Promise<void> => {
    while (Date.now() < end) {
      const started = Date.now();
      await step();
      await sleep(Math.max(0, ms - (Date.now() - started)));
    }
  };
  await Promise.all([
    every(HEALTH_EVERY_MS, () =>
      health.time(async () => {
        const res = await request(base, CLIENT_ADDRESS, 'GET', '/api/health');
        if (res.serverMs !== undefined) healthOnServer.add(res.serverMs);
        return res.status === 200 ? 'ok' : `status ${res.status}`;
      }),
    ),
    every(SIGN_IN_EVERY_MS, () =>
      signIn.time(() => {
        const n = client.signIns++;
        return signInAs(n, (account) => ({ from: account.address }));
      }),
    ),
    every(NEW_ADDRESS_SIGN_IN_EVERY_MS, () =>
      newAddressSignIn.time(() => {
        const n = ++client.newAddressSignIns;
        return signInAs(n, (account) => ({ from: loopbackAddress(5, n), cookie: account.device }));
      }),
    ),
    every(NEW_ADDRESS_SIGN_IN_EVERY_MS, () =>
      newDeviceSignIn.time(() => {
        const n = ++client.newDeviceSignIns;
        return signInAs(n, () => ({ from: loopbackAddress(6, n) }));
      }),
    ),
    every(JOIN_EVERY_MS, async () => {
      await join.time(async () => {
        try {
          const ack = await client.guest
            .timeout(30_000)
            .emitWithAck('room:join', { roomId: client.roomId, pin: client.pin });
          return ack.ok ? 'ok' : ack.error.code;
        } catch {
          return 'timeout';
        }
      });
      await client.guest
        .timeout(30_000)
        .emitWithAck('room:leave')
        .catch(() => undefined);
    }),
    every(250, async () => {
      const u = serverUsage(pid);
      rssMiBMax = Math.max(rssMiBMax, u.rssMiB);
      fdsMax = Math.max(fdsMax, u.fds);
    }),
  ]);
  const endUsage = serverUsage(pid);
  return {
    health: health.result(),
    healthOnServer: healthOnServer.result(),
    signIn: signIn.result(),
    newAddressSignIn: newAddressSignIn.result(),
    newDeviceSignIn: newDeviceSignIn.result(),
    join: join.result(),
    server: {
      rssMiBMax,
      fdsMax,
      rssMiBEnd: endUsage.rssMiB,
      fdsEnd: endUsage.fds,
      cpuPercentOfCore: round(((treeCpuSeconds(pid) - cpuStart) / seconds) * 100, 0),
    },
  };
}

/** Waits (at most 30 s) until the server holds about as many fds as it did when quiet. */
async function settle(pid: number, fds: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end && serverUsage(pid).fds > fds + 10) await sleep(250);
}

const ratio = (during: number, quiet: number): number => round(during / quiet, 2);

async function main(): Promise<void> {
  const environment = await startEnvironment();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-abuse-'));
  // Production defaults but for where the data goes.
  const server = await startServer({ DATA_DIR: dataDir }, { quiet: true });
  const base = new URL(server.url);
  const pid = server.child.pid ?? 0;
  try {
    console.log(
      `bench/abuse: ${RUN_ATTACKS.join(', ')}; ${PHASE_SECONDS} s quiet then ${PHASE_SECONDS} s under each attack`,
    );
    const client = await setUpClient(base);
    const baseline = serverUsage(pid);
    const attacks = [];
    for (const kind of RUN_ATTACKS) {
      await settle(pid, baseline.fds);
      const quiet = await measure(base, pid, client, PHASE_SECONDS);
      // The spread flood on real accounts guesses at the rightful client's own usernames.
      const attacker = startAttacker(kind, server.url, PHASE_SECONDS + RAMP_SECONDS, [
        client.accounts.map((a) => a.username).join(','),
      ]);
      await sleep(RAMP_SECONDS * 1000);
      const during = await measure(base, pid, client, PHASE_SECONDS);
      const figures = {
        attack: kind,
        attacker: await attacker,
        quiet,
        during,
        p99DuringOverQuiet: {
          health: ratio(during.health.summary.p99, quiet.health.summary.p99),
          healthOnServer: ratio(
            during.healthOnServer.summary.p99,
            quiet.healthOnServer.summary.p99,
          ),
          signIn: ratio(during.signIn.summary.p99, quiet.signIn.summary.p99),
          newAddressSignIn: ratio(
            during.newAddressSignIn.summary.p99,
            quiet.newAddressSignIn.summary.p99,
          ),
          newDeviceSignIn: ratio(
            during.newDeviceSignIn.summary.p99,
            quiet.newDeviceSignIn.summary.p99,
          ),
          join: ratio(during.join.summary.p99, quiet.join.summary.p99),
        },
      };
      const r = figures.p99DuringOverQuiet;
      console.log(
        `${kind}: p99 health ${quiet.health.summary.p99} -> ${during.health.summary.p99} ms (x${r.health}; on the server ${quiet.healthOnServer.summary.p99} -> ${during.healthOnServer.summary.p99} ms, x${r.healthOnServer}), ` +
          `sign-in ${quiet.signIn.summary.p99} -> ${during.signIn.summary.p99} ms (x${r.signIn}), ` +
          `join ${quiet.join.summary.p99} -> ${during.join.summary.p99} ms (x${r.join}), ` +
          `sign-in from a new address ${quiet.newAddressSignIn.summary.p99} -> ${during.newAddressSignIn.summary.p99} ms (x${r.newAddressSignIn}), ` +
          `from a new address in a new browser ${quiet.newDeviceSignIn.summary.p99} -> ${during.newDeviceSignIn.summary.p99} ms (x${r.newDeviceSignIn}); ` +
          `failures ${JSON.stringify({ health: during.health.failures, signIn: during.signIn.failures, newAddressSignIn: during.newAddressSignIn.failures, newDeviceSignIn: during.newDeviceSignIn.failures, join: during.join.failures })}; ` +
          `server RSS max ${during.server.rssMiBMax} MiB, fds max ${during.server.fdsMax}, CPU ${quiet.server.cpuPercentOfCore} -> ${during.server.cpuPercentOfCore} % of a core; attacker ${JSON.stringify(figures.attacker)}`,
      );
      attacks.push(figures);
    }
    client.guest.close();
    const results = {
      setup: {
        phaseSeconds: PHASE_SECONDS,
        rampSeconds: RAMP_SECONDS,
        clientAccounts: ACCOUNTS,
        healthEveryMs: HEALTH_EVERY_MS,
        signInEveryMs: SIGN_IN_EVERY_MS,
        newAddressSignInEveryMs: NEW_ADDRESS_SIGN_IN_EVERY_MS,
        clientAddress: CLIENT_ADDRESS,
        joinEveryMs: JOIN_EVERY_MS,
        server:
          'production defaults (BCRYPT_COST 12, CONNECTIONS_PER_IP 50, REQUEST_BURST_PER_IP 500, REQUEST_RATE_PER_IP 50 a second, REQUEST_TIMEOUT 10 s, MAX_CONNECTIONS from the fd limit)',
        serverFdLimit:
          /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1] ?? null,
        target: 'p99 during an attack within 2x of the quiet p99 just before it',
      },
      baseline,
      attacks,
    };
    writeResults('abuse', finishEnvironment(environment), results);
    console.log('wrote bench/results/abuse.json');
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
