import { afterEach, describe, expect, it } from 'vitest';
import { type Room, roomReplySchema } from '../../shared/http';
import { joinSuccessSchema, pinAttemptsSchema } from '../../shared/socket';
import {
  type Account,
  api,
  type ClientSocket,
  codeOf,
  createRoom,
  joinRoom,
  recordEvents,
  registerUser,
  socketPool,
  startTestServer,
  type TestServer,
  until,
} from '../testing/harness';

/**
 * Guessing one room's PIN from many accounts and addresses (X-Forwarded-For through a trusted
 * proxy on loopback), with budgets and windows scaled down so the run takes seconds.
 */
let server: TestServer;
const sockets = socketPool();
afterEach(async () => {
  sockets.closeAll();
  await server.stop();
});

async function start(env: Record<string, string>): Promise<void> {
  server = await startTestServer({ env: { TRUST_PROXY: 'loopback', ...env } });
}

let addresses = 0;
/** A person on an address of their own. */
async function person(account?: Account): Promise<ClientSocket> {
  addresses += 1;
  const forwardedFor = `198.51.${addresses >> 8}.${addresses & 255}`;
  return sockets.connect(server.url, account ?? (await registerUser(server.url)), {
    headers: { 'x-forwarded-for': forwardedFor },
  });
}

/** Wrong PINs, each tried once, in order: what a careful guesser does. */
function* wrongPins(room: Room): Generator<string> {
  for (let n = 0; n < 1_000_000; n += 1) {
    const pin = n.toString().padStart(6, '0');
    if (pin !== room.pin) yield pin;
  }
}

/**
 * Guessers take turns from one list of wrong PINs until `stop` resolves; counts the answers in
 * `counts` as they come.
 */
async function guess(
  guessers: ClientSocket[],
  room: Room,
  stop: Promise<unknown>,
  counts = new Map<string, number>(),
): Promise<Map<string, number>> {
  let done = false;
  void stop.then(() => {
    done = true;
  });
  const pins = wrongPins(room);
  await Promise.all(
    guessers.map(async (g) => {
      while (!done) {
        const code = codeOf(await joinRoom(g, room.id, pins.next().value ?? '000000'));
        counts.set(code, (counts.get(code) ?? 0) + 1);
        if (code === 'rate_limited') await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
  return counts;
}

/** Time passing, which is what these windowed budgets are about: no wait for an event. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('guessing one PIN from many accounts and addresses', () => {
  it('is judged no more often than the room budget allows, and the host hears of each guess', async () => {
    await start({ PIN_WINDOW: '1', PIN_LIMIT_PER_ROOM: '4', PIN_LIMIT_PER_ROOM_DAY: '10' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const hostSocket = await person(host);
    joinSuccessSchema.parse(await joinRoom(hostSocket, room.id, room.pin));
    const reports = recordEvents(hostSocket, 'room:pin-attempts');
    const friend = await person();
    joinSuccessSchema.parse(await joinRoom(friend, room.id, room.pin));
    await friend.timeout(3000).emitWithAck('room:leave');

    const guessers = await Promise.all(Array.from({ length: 12 }, () => person()));
    // Three windows long: the window budget alone would allow 4 × 4 = 16 judged guesses.
    const counts = await guess(guessers, room, sleep(3200));

    // The day's budget binds: 10 wrong PINs judged in all, everything else refused unjudged.
    expect(counts.get('wrong_pin')).toBe(10);
    expect(counts.get('ok')).toBeUndefined();
    expect(counts.get('rate_limited')).toBeGreaterThan(0);
    expect(reports.map((r) => pinAttemptsSchema.parse(r).windowSeconds)).toHaveLength(10);

    // Locked out now: a newcomer with the right PIN, told how long to wait.
    const newcomer = await person();
    const refused = await joinRoom(newcomer, room.id, room.pin);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/try again in \d+ hours/);
    // Not locked out: the host, and a friend who already joined with this PIN.
    joinSuccessSchema.parse(await joinRoom(await person(host), room.id, room.pin));
    joinSuccessSchema.parse(await joinRoom(friend, room.id, room.pin));

    // A rotation voids the old PIN and every exemption bound to it, but buys no new guesses.
    const res = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, { cookie: host.cookie });
    const rotated = roomReplySchema.parse(await res.json()).room;
    await friend.timeout(3000).emitWithAck('room:leave');
    expect(codeOf(await joinRoom(friend, room.id, room.pin))).toBe('rate_limited');
    expect(codeOf(await joinRoom(newcomer, room.id, rotated.pin))).toBe('rate_limited');
    expect(codeOf(await joinRoom(guessers[0] as ClientSocket, room.id, '123456'))).toBe(
      'rate_limited',
    );
    joinSuccessSchema.parse(await joinRoom(await person(host), room.id, rotated.pin));
  });

  it('locks a rightful guest out for no longer than PIN_WINDOW once the guessing stops', async () => {
    const windowMs = 2000;
    await start({ PIN_WINDOW: String(windowMs / 1000), PIN_LIMIT_PER_ROOM: '3' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const pins = wrongPins(room);
    const guessers = await Promise.all(Array.from({ length: 3 }, () => person()));
    const spentAt = Date.now();
    for (const g of guessers) {
      expect(codeOf(await joinRoom(g, room.id, pins.next().value ?? ''))).toBe('wrong_pin');
    }

    const guest = await person();
    const first = await joinRoom(guest, room.id, room.pin);
    expect(first).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(first.ok ? '' : first.error.message).toMatch(/try again in [12] seconds/);
    await until(async () => (await joinRoom(guest, room.id, room.pin)).ok);
    const lockedOutMs = Date.now() - spentAt;
    expect(lockedOutMs).toBeLessThanOrEqual(windowMs + 500);
  });

  it('keeps new guests out while a guesser keeps spending, until the host rotates the PIN', async () => {
    await start({ PIN_WINDOW: '1', PIN_LIMIT_PER_ROOM: '3' });
    const host = await registerUser(server.url);
    const room = await createRoom(server.url, host);
    const friend = await person();
    joinSuccessSchema.parse(await joinRoom(friend, room.id, room.pin));

    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const counts = new Map<string, number>();
    const guessing = guess(await Promise.all([person(), person()]), room, stopped, counts);
    const guest = await person();
    // The window's budget is spent once a guesser is refused.
    await until(() => (counts.get('rate_limited') ?? 0) > 0);
    // Across two windows the guessers spend each fresh budget first: the trade-off.
    for (const wait of [0, 1100]) {
      await sleep(wait);
      expect(codeOf(await joinRoom(guest, room.id, room.pin))).toBe('rate_limited');
      joinSuccessSchema.parse(await joinRoom(friend, room.id, room.pin));
    }
    stop();
    expect((await guessing).get('wrong_pin')).toBeGreaterThanOrEqual(6);

    // The host's way out: a fresh PIN with a fresh window budget; the old PIN is judged wrong.
    const res = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, { cookie: host.cookie });
    const rotated = roomReplySchema.parse(await res.json()).room;
    joinSuccessSchema.parse(await joinRoom(guest, room.id, rotated.pin));
    if (rotated.pin !== room.pin) {
      expect(codeOf(await joinRoom(await person(), room.id, room.pin))).toBe('wrong_pin');
    }
  });
});
