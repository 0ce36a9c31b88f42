import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roomReplySchema } from '../../shared/http';
import { type JoinAck, pinAttemptsSchema } from '../../shared/socket';
import { loadConfig } from '../../signalling/config';
import {
  api,
  type ClientSocket,
  connectSocket,
  sessionCookieOf,
  TEST_PASSWORD,
  uniqueUsername,
} from '../../signalling/testing/harness';
import { startServer } from '../../signalling/testing/server-process';
import { finishEnvironment, startEnvironment } from '../lib/environment';
import { writeResults } from '../lib/results';
import { round } from '../lib/stats';

/**
 * bench/pin-guess: many accounts, each on an address of its own (X-Forwarded-For through
 * TRUST_PROXY=loopback), guess one room's PIN against a server in its own process, while a
 * friend who already joined keeps rejoining and newcomers with the right PIN try to get in.
 * PIN_WINDOW is scaled down so windows pass in seconds; every other budget is the default,
 * and the day's budget keeps its real 24 hours. Prints figures, writes
 * bench/results/pin-guess.json; never fails on timing.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PIN_WINDOW = Number(process.env.BENCH_PIN_WINDOW ?? 1);
const FRIEND_EVERY_MS = 500;
/** People with the right PIN who never joined, each trying once, spread over the run. */
const NEWCOMERS = 20;
const DAY = 86_400;

const defaults = loadConfig({}).limits;

let addresses = 0;
function nextAddress(): string {
  addresses += 1;
  return `198.51.${addresses >> 8}.${addresses & 255}`;
}

/** Registers from an address of its own and connects a socket from that address. */
async function person(base: URL): Promise<{ cookie: string; socket: ClientSocket }> {
  const headers = { 'x-forwarded-for': nextAddress() };
  const res = await api(base, 'POST', '/api/auth/register', {
    body: { username: uniqueUsername('pg'), password: TEST_PASSWORD },
    headers,
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const cookie = sessionCookieOf(res);
  return { cookie, socket: await connectSocket(base, cookie, { headers }) };
}

async function inBatches<T>(n: number, size: number, make: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - out.length) }, make))));
  }
  return out;
}

const joinRoom = (s: ClientSocket, roomId: string, pin: string): Promise<JoinAck> =>
  s.timeout(10_000).emitWithAck('room:join', { roomId, pin });
const codeOf = (ack: JoinAck): string => (ack.ok ? 'ok' : ack.error.code);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The most timestamps (sorted) that fall within any span of `ms`. */
function maxInSpan(times: number[], ms: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to += 1) {
    while ((times[to] ?? 0) - (times[from] ?? 0) >= ms) from += 1;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

function tally(counts: Record<string, number>, code: string): void {
  counts[code] = (counts[code] ?? 0) + 1;
}

async function main(): Promise<void> {
  const environment = await startEnvironment();
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-bench-pin-'));
  const server = await startServer({
    DATA_DIR: dataDir,
    BCRYPT_COST: '10',
    TRUST_PROXY: 'loopback',
    PIN_WINDOW: String(PIN_WINDOW),
  });
  const base = new URL(server.url);
  const sockets: ClientSocket[] = [];
  try {
    console.log(
      `bench/pin-guess: ${ACCOUNTS} accounts on ${ACCOUNTS} addresses for ${SECONDS} s; ` +
        `PIN_WINDOW=${PIN_WINDOW} s, PIN_LIMIT_PER_ROOM=${defaults.pinFailuresPerRoom}, ` +
        `PIN_LIMIT_PER_ROOM_DAY=${defaults.pinFailuresPerRoomDay}`,
    );
    const host = await person(base);
    const created = await api(base, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
    const room = roomReplySchema.parse(await created.json()).room;
    const hostJoin = await joinRoom(host.socket, room.id, room.pin);
    if (!hostJoin.ok) throw new Error(`host join: ${hostJoin.error.code}`);
    let reports = 0;
    let lastReport = 0;
    host.socket.on('room:pin-attempts', (raw) => {
      reports += 1;
      lastReport = pinAttemptsSchema.parse(raw).failed;
    });
    const friend = await person(base);
    const newcomers = await inBatches(NEWCOMERS, 10, () => person(base));
    const guessers = await inBatches(ACCOUNTS, 10, () => person(base));
    sockets.push(
      host.socket,
      friend.socket,
      ...newcomers.map((n) => n.socket),
      ...guessers.map((g) => g.socket),
    );
    const friendJoin = await joinRoom(friend.socket, room.id, room.pin);
    if (!friendJoin.ok) throw new Error(`friend join: ${friendJoin.error.code}`);

    // Every PIN once, in order: the attacker does not know the room's, so it is not skipped.
    let nextPin = 0;
    const guesses: Record<string, number> = {};
    const friendTries: Record<string, number> = {};
    const newcomerTries: Record<string, number> = {};
    const newcomersIn: number[] = [];
    /** When each wrong guess was judged, ms. */
    const judgedAt: number[] = [];
    let dayBudgetSpentAt: number | null = null;
    const start = Date.now();
    const end = start + SECONDS * 1000;

    const guesser = async (s: ClientSocket): Promise<void> => {
      while (Date.now() < end) {
        const pin = (nextPin++ % 1_000_000).toString().padStart(6, '0');
        const code = codeOf(await joinRoom(s, room.id, pin));
        tally(guesses, code);
        if (code === 'wrong_pin') {
          judgedAt.push(Date.now());
          if (guesses.wrong_pin === defaults.pinFailuresPerRoomDay) dayBudgetSpentAt = Date.now();
        }
        if (code === 'ok') await s.timeout(10_000).emitWithAck('room:leave');
        if (code === 'rate_limited') await sleep(50);
      }
    };
    const friendRejoins = async (): Promise<void> => {
      while (Date.now() < end) {
        const code = codeOf(await joinRoom(friend.socket, room.id, room.pin));
        tally(friendTries, code);
        if (code === 'ok') await friend.socket.timeout(10_000).emitWithAck('room:leave');
        await sleep(FRIEND_EVERY_MS);
      }
    };
    const newcomer = async (s: ClientSocket, i: number): Promise<void> => {
      await sleep(((i + 0.5) * SECONDS * 1000) / NEWCOMERS);
      const code = codeOf(await joinRoom(s, room.id, room.pin));
      tally(newcomerTries, code);
      if (code === 'ok') newcomersIn.push(round((Date.now() - start) / 1000, 1));
    };
    await Promise.all([
      ...guessers.map((g) => guesser(g.socket)),
      friendRejoins(),
      ...newcomers.map((n, i) => newcomer(n.socket, i)),
    ]);
    const elapsed = (Date.now() - start) / 1000;

    const judged = guesses.wrong_pin ?? 0;
    const perWindow = defaults.pinFailuresPerRoom;
    const windowsPerDay = DAY / defaults.pinWindowSeconds;
    const results = {
      setup: {
        accounts: ACCOUNTS,
        addresses: ACCOUNTS,
        seconds: round(elapsed, 1),
        pinWindowSeconds: PIN_WINDOW,
        pinLimitPerRoom: perWindow,
        pinLimitPerRoomDay: defaults.pinFailuresPerRoomDay,
      },
      guesses: {
        sent: Object.values(guesses).reduce((a, b) => a + b, 0),
        byAnswer: guesses,
        judged,
        // Windows are fixed, so a span of one window's length may straddle two: at most 2 × limit.
        maxJudgedInAnyWindowSpan: maxInSpan(judgedAt, PIN_WINDOW * 1000),
        dayBudgetSpentAfterSeconds:
          dayBudgetSpentAt === null ? null : round((dayBudgetSpentAt - start) / 1000, 1),
        successes: guesses.ok ?? 0,
      },
      host: { pinAttemptReports: reports, lastReportedFailed: lastReport },
      rightful: {
        friendWhoJoinedBefore: friendTries,
        newcomersWithRightPin: newcomerTries,
        newcomersAdmittedAtSeconds: newcomersIn,
      },
      // The production defaults, PIN_WINDOW at its default too: guesses a room can judge.
      defaultsArithmetic: {
        pinWindowSeconds: defaults.pinWindowSeconds,
        windowBudgetPerDay: perWindow * windowsPerDay,
        windowBudgetAny24h: perWindow * (windowsPerDay + 1),
        dayBudgetAny24h: 2 * defaults.pinFailuresPerRoomDay,
        successChanceAny24h: (2 * defaults.pinFailuresPerRoomDay) / 1e6,
      },
    };
    console.log(JSON.stringify(results, null, 2));
    writeResults('pin-guess', finishEnvironment(environment), results);
    console.log('wrote bench/results/pin-guess.json');
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
