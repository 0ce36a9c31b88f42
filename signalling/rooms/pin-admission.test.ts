import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { createLimits, spent } from '../security/limits';
import type { RoomRecord } from '../store/types';
import type { RoomNotifier } from './notifier';
import { type Admission, createPinAdmission, type PinAttempt } from './pin-admission';

const HOST = 'host-user';
const PIN = '424242';

/** An admission over in-memory budgets and one room whose PIN "HMAC" is the PIN itself. */
function setup(env: Record<string, string> = {}) {
  const limits = createLimits(
    loadConfig({
      PIN_LIMIT_PER_ROOM: '3',
      PIN_LIMIT_PER_ROOM_DAY: '5',
      PIN_LIMIT_PER_USER: '4',
      PIN_LIMIT_PER_IP: '6',
      ...env,
    }).limits,
  );
  const room: RoomRecord = {
    id: 'abc-defg-hjk',
    name: 'room',
    hostId: HOST,
    createdAt: new Date(0).toISOString(),
    state: 'open',
    pinHmac: PIN,
    pinSealed: 'sealed',
  };
  const reports: Array<{ hostId: string; failed: number }> = [];
  const notifier: RoomNotifier = {
    roomClosed: async () => undefined,
    pinAttempts: async (_roomId, hostId, failed) => {
      reports.push({ hostId, failed });
    },
    hostPresent: async () => false,
    hostAway: async () => undefined,
  };
  const removed = new Set<string>();
  const admission = createPinAdmission({
    limits,
    find: async (id) => (id === room.id ? { ...room } : undefined),
    pinMatches: (r, pin) => r.pinHmac === pin,
    isRemoved: async (id, userId) => id === room.id && removed.has(userId),
    notifier,
    log: createLogger('silent'),
  });
  let people = 0;
  /** Each call is a new user on a new address unless told otherwise. */
  const attempt = (pin: string, who: Partial<PinAttempt> = {}): Promise<Admission> => {
    people += 1;
    return admission.admit({
      roomId: room.id,
      pin,
      userId: `user-${people}`,
      address: `192.0.2.${people}`,
      ...who,
    });
  };
  /** A PIN rotation as the room service does it: a new HMAC, the window's budget afresh. */
  const rotate = async (pin: string) => {
    room.pinHmac = pin;
    await limits.pinRoom.delete(room.id);
  };
  return { admission, limits, room, removed, reports, attempt, rotate };
}

const codeOf = (a: Admission): string => (a.ok ? 'ok' : a.code);

describe('PIN admission', () => {
  it('admits the right PIN as often as asked, at no cost to any budget', async () => {
    const { attempt } = setup();
    for (let i = 0; i < 10; i += 1) {
      expect(codeOf(await attempt(PIN, { userId: 'same', address: '192.0.2.1' }))).toBe('ok');
    }
    for (let i = 0; i < 3; i += 1) expect(codeOf(await attempt('000000'))).toBe('wrong_pin');
  });

  it("stops judging after the room's window budget, and tells the host of each wrong PIN", async () => {
    const { attempt, reports } = setup();
    for (let i = 0; i < 3; i += 1) expect(codeOf(await attempt('000000'))).toBe('wrong_pin');
    const refused = await attempt(PIN);
    expect(refused).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(refused.ok ? '' : refused.message).toMatch(/try again in \d+ minutes/);
    expect(reports).toEqual([1, 2, 3].map((failed) => ({ hostId: HOST, failed })));
  });

  it("keeps the room's day budget across a rotation, which only restarts the window", async () => {
    const { attempt, rotate } = setup();
    for (let i = 0; i < 3; i += 1) await attempt('000000');
    await rotate('131313');
    expect(codeOf(await attempt('131313'))).toBe('ok');
    for (let i = 0; i < 2; i += 1) expect(codeOf(await attempt('000000'))).toBe('wrong_pin');
    const refused = await attempt('131313');
    expect(refused.ok ? '' : refused.message).toMatch(/try again in \d+ hours/);
  });

  it("bounds one user's guesses across rooms and addresses, unknown room IDs included", async () => {
    const { attempt } = setup();
    const userId = 'guesser';
    expect(codeOf(await attempt(PIN, { userId, roomId: 'nop-nope-nop' }))).toBe('room_not_found');
    expect(codeOf(await attempt('000000', { userId }))).toBe('wrong_pin');
    expect(codeOf(await attempt(PIN, { userId, roomId: 'zzz-zzzz-zzz' }))).toBe('room_not_found');
    expect(codeOf(await attempt('000001', { userId }))).toBe('wrong_pin');
    expect(codeOf(await attempt(PIN, { userId }))).toBe('rate_limited');
  });

  it("bounds one address's guesses whoever signs in from it", async () => {
    const { attempt } = setup({ PIN_LIMIT_PER_ROOM: '100', PIN_LIMIT_PER_ROOM_DAY: '100' });
    const address = '198.51.100.7';
    for (let i = 0; i < 6; i += 1)
      expect(codeOf(await attempt('000000', { address }))).toBe('wrong_pin');
    expect(codeOf(await attempt(PIN, { address }))).toBe('rate_limited');
    expect(codeOf(await attempt(PIN))).toBe('ok');
  });

  it('exempts the host and those who joined with the current PIN, until it rotates', async () => {
    const { attempt, rotate } = setup({ PIN_LIMIT_PER_ROOM_DAY: '100' });
    const friend = { userId: 'friend', address: '192.0.2.200' };
    expect(codeOf(await attempt(PIN, friend))).toBe('ok');
    for (let i = 0; i < 3; i += 1) await attempt('000000');
    expect(codeOf(await attempt(PIN))).toBe('rate_limited');
    expect(await attempt(PIN, { userId: HOST })).toMatchObject({ ok: true, isHost: true });
    expect(await attempt(PIN, friend)).toMatchObject({ ok: true, isHost: false });

    // The friend knew the old PIN only; the fresh window admits newcomers with the new one.
    await rotate('979797');
    for (let i = 0; i < 3; i += 1) await attempt('000000');
    expect(codeOf(await attempt('979797', friend))).toBe('rate_limited');
    expect(codeOf(await attempt('979797', { userId: HOST }))).toBe('ok');
  });

  it("never spends or consults a budget on the host's join to its own room", async () => {
    const { attempt, reports } = setup({
      PIN_LIMIT_PER_ROOM: '100',
      PIN_LIMIT_PER_ROOM_DAY: '100',
    });
    const host = { userId: HOST, address: '198.51.100.9' };
    // Strangers sharing the host's address spend the address's budget.
    for (let i = 0; i < 6; i += 1) {
      await attempt('000000', { address: host.address });
    }
    expect(codeOf(await attempt(PIN, { address: host.address }))).toBe('rate_limited');
    expect(await attempt(PIN, host)).toMatchObject({ ok: true, isHost: true });
    // The host's own slips cost nothing and tell nobody: its budgets stay whole.
    for (let i = 0; i < 10; i += 1) expect(codeOf(await attempt('000000', host))).toBe('wrong_pin');
    expect(reports).toHaveLength(6);
    expect(codeOf(await attempt(PIN, { userId: HOST }))).toBe('ok');
    for (let i = 0; i < 4; i += 1) {
      expect(codeOf(await attempt('000000', { userId: HOST, roomId: 'zzz-zzzz-zzz' }))).toBe(
        'room_not_found',
      );
    }
    expect(codeOf(await attempt('000000', { userId: HOST, roomId: 'zzz-zzzz-zzz' }))).toBe(
      'rate_limited',
    );
    expect(codeOf(await attempt(PIN, { userId: HOST }))).toBe('ok');
  });

  it('refuses a removed account whatever PIN it brings, at no cost, also after a rotation', async () => {
    const { attempt, removed, rotate, limits, room } = setup();
    const bob = { userId: 'bob', address: '192.0.2.201' };
    expect(codeOf(await attempt(PIN, bob))).toBe('ok');
    removed.add('bob');
    for (const pin of [PIN, '000000', PIN]) {
      const refused = await attempt(pin, bob);
      expect(refused).toMatchObject({ ok: false, code: 'removed' });
      expect(refused.ok ? '' : refused.message).toMatch(/removed you/);
    }
    await rotate('555555');
    expect(codeOf(await attempt('555555', bob))).toBe('removed');
    expect(await spent(limits.pinUser, 'bob')).toBe(0);
    expect(await spent(limits.pinRoom, room.id)).toBe(0);
    expect(codeOf(await attempt('555555'))).toBe('ok');
  });

  it('judges no more parallel guesses than the budget holds', async () => {
    const { attempt } = setup();
    const answers = await Promise.all(Array.from({ length: 20 }, () => attempt('000000')));
    const codes = answers.map(codeOf);
    expect(codes.filter((c) => c === 'wrong_pin')).toHaveLength(3);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(17);
  });

  it('gives a person back the point a closed room cost, and reports wrong PINs so far', async () => {
    const { admission, attempt, room } = setup();
    await attempt('000000');
    expect(await admission.failures(room.id)).toBe(1);
    room.state = 'closed';
    const userId = 'late';
    for (let i = 0; i < 6; i += 1) {
      expect(codeOf(await attempt(PIN, { userId, address: '192.0.2.250' }))).toBe('room_closed');
    }
  });
});
