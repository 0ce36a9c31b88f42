import { afterEach, describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../shared/peer-messages';
import { DEFAULT_PING_SCHEDULE } from '../../shared/sync/ping-schedule';
import { type LinkState, PeerLink, type PeerLinkOptions } from './peer-link';

// Real simple-peer over node-datachannel: two links in one process, signals relayed by hand.

interface Side {
  link: PeerLink;
  states: LinkState[];
  messages: PeerMessage[];
  hellos: string[];
}

const FAST_PINGS = { burst: 5, burstGapMs: 100, periodMs: 200 };

const links: PeerLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

function makeSide(
  self: string,
  other: string,
  relay: (to: string, data: unknown) => void,
  extra: Partial<PeerLinkOptions> = {},
): Side {
  const side: Side = { states: [], messages: [], hellos: [], link: undefined as never };
  side.link = new PeerLink(
    {
      selfPeerId: self,
      remotePeerId: other,
      self: { name: self, role: 'guest' },
      iceServers: async () => [],
      relayOnly: false,
      receiveMedia: false,
      ...extra,
    },
    {
      signal: (data) => relay(other, data),
      state: (state) => side.states.push(state),
      message: (m) => side.messages.push(m),
      hello: (h) => side.hellos.push(h.name),
      track: () => {},
    },
  );
  links.push(side.link);
  return side;
}

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pair(extra: Partial<PeerLinkOptions> = {}) {
  const sides = new Map<string, Side>();
  let blocked = false;
  const relay = (to: string, data: unknown) => {
    if (blocked) return;
    setTimeout(() => sides.get(to)?.link.signal(data), 0);
  };
  const a = makeSide('a', 'b', relay, extra);
  const b = makeSide('b', 'a', relay, extra);
  sides.set('a', a);
  sides.set('b', b);
  return {
    a,
    b,
    sides,
    relay,
    block: (on: boolean) => {
      blocked = on;
    },
  };
}

describe('PeerLink', () => {
  it('connects, says hello both ways and delivers validated messages', async () => {
    const { a, b } = pair();
    b.link.start(false);
    a.link.start(true);
    await until(() => a.hellos.length === 1 && b.hellos.length === 1);
    expect(a.link.state).toBe('connected');
    expect(a.link.outdated).toBeNull();
    expect(b.hellos).toEqual(['a']);
    expect(a.link.send({ type: 'chat', id: 'm1', text: 'hi', sentAt: 1 })).toBe(true);
    await until(() => b.messages.length === 1);
    expect(b.messages[0]).toEqual({ type: 'chat', id: 'm1', text: 'hi', sentAt: 1 });
  });

  it('ignores a second hello, even one claiming another protocol version', async () => {
    const { a, b } = pair();
    b.link.start(false);
    a.link.start(true);
    await until(() => a.hellos.length === 1 && b.hellos.length === 1);
    a.link.send({ type: 'hello', v: 999, name: 'mallory', role: 'host' });
    a.link.send({ type: 'chat', id: 'after', text: 'still here', sentAt: 1 });
    await until(() => b.messages.length === 1);
    expect(b.link.state).toBe('connected');
    expect(b.hellos).toEqual(['a']);
  });

  it('pings in a burst as the link opens, so the clock estimate fills at once', async () => {
    const { a, b } = pair();
    b.link.start(false);
    a.link.start(true);
    await until(() => a.link.state === 'connected');
    const opened = Date.now();
    // The default schedule: five pings 100 ms apart, then one every 3 s.
    await until(() => a.link.clock.sampleCount >= DEFAULT_PING_SCHEDULE.burst, 2500);
    expect(Date.now() - opened).toBeLessThan(DEFAULT_PING_SCHEDULE.periodMs);
  });

  it('fails for good when the two sides speak different protocol versions, and says whose page is old', async () => {
    const newer = makeSide('n', 'o', (_to, data) => setTimeout(() => older.link.signal(data), 0), {
      protocolVersion: 3,
    });
    const older = makeSide('o', 'n', (_to, data) => setTimeout(() => newer.link.signal(data), 0), {
      protocolVersion: 2,
    });
    older.link.start(false);
    newer.link.start(true);
    await until(() => newer.link.state === 'failed' && older.link.state === 'failed');
    expect(newer.link.outdated).toBe('peer');
    expect(older.link.outdated).toBe('self');
    // Neither retries: a fresh connection would meet the same pages.
    await new Promise((r) => setTimeout(r, 1500));
    expect(newer.states.at(-1)).toBe('failed');
    expect(older.states.at(-1)).toBe('failed');
    expect([...newer.states, ...older.states]).not.toContain('retrying');
    expect([...newer.hellos, ...older.hellos]).toEqual([]);
  });

  it('drops a flood beyond the token bucket', async () => {
    const { a, b } = pair({ burst: 5, ratePerSecond: 1 });
    b.link.start(false);
    a.link.start(true);
    await until(() => a.hellos.length === 1 && b.hellos.length === 1);
    for (let i = 0; i < 50; i++) a.link.send({ type: 'chat', id: `m${i}`, text: 'x', sentAt: i });
    await until(() => b.link.dropped > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.messages.length).toBeLessThanOrEqual(6);
    expect(b.messages.length + b.link.dropped).toBeGreaterThanOrEqual(45);
  });

  it('times out a connection that never forms, then retries from the chosen side', async () => {
    // Long enough that a retry, once signals flow, connects within it on a busy machine too
    // (node-datachannel in one process takes a few hundred ms under load).
    const { a, b, block } = pair({ connectTimeoutMs: 1500 });
    block(true);
    b.link.start(false);
    a.link.start(true);
    await until(() => a.states.includes('retrying') && b.states.includes('failed'));
    block(false);
    await until(() => a.link.state === 'connected' && b.link.state === 'connected', 15_000);
    expect(a.states).toContain('failed');
  });

  it('reconnects with a fresh connection when the other side starts over', async () => {
    const { a, b, sides, relay } = pair({ pingSchedule: FAST_PINGS, silenceTimeoutMs: 800 });
    b.link.start(false);
    a.link.start(true);
    await until(() => a.link.state === 'connected' && b.link.state === 'connected');
    // b throws its connection away; a notices and, being the chosen side, offers afresh.
    b.link.close();
    const b2 = makeSide('b', 'a', relay, { pingSchedule: FAST_PINGS, silenceTimeoutMs: 800 });
    sides.set('b', b2);
    b2.link.start(false);
    await until(() => a.states.includes('retrying'));
    await until(() => a.link.state === 'connected' && b2.link.state === 'connected');
    expect(a.link.send({ type: 'chat', id: 'again', text: 'back', sentAt: 2 })).toBe(true);
    await until(() => b2.messages.some((m) => m.type === 'chat' && m.id === 'again'));
  });

  it('asks for fresh ICE servers on every attempt, and relay only without a relay never connects', async () => {
    let fetches = 0;
    const iceServers = async (): Promise<RTCIceServer[]> => {
      fetches += 1;
      return [];
    };
    const { a, b } = pair({ connectTimeoutMs: 400, relayOnly: true, iceServers });
    b.link.start(false);
    a.link.start(true);
    await until(() => a.states.filter((s) => s === 'failed').length >= 2);
    expect(a.states).not.toContain('connected');
    expect(b.states).not.toContain('connected');
    expect(fetches).toBeGreaterThanOrEqual(2);
  });

  it('ends for good on close', async () => {
    // b learns of it from the channel's close or, if node-datachannel never reports that (it
    // did not once with a core busy), from the silence: either is a failed link.
    const { a, b } = pair({ pingSchedule: FAST_PINGS, silenceTimeoutMs: 800 });
    b.link.start(false);
    a.link.start(true);
    await until(() => a.link.state === 'connected');
    a.link.close();
    expect(a.link.state).toBe('closed');
    expect(a.link.send({ type: 'chat', id: 'x', text: 'x', sentAt: 0 })).toBe(false);
    await until(() => b.states.includes('failed'));
  });
});
