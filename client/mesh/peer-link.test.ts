import { afterEach, describe, expect, it, vi } from 'vitest';
import { RTCPeerConnection } from 'webrtc-polyfill';
import type { PeerMessage } from '../../shared/peer-messages';
import { DEFAULT_PING_SCHEDULE } from '../../shared/sync/ping-schedule';
import { FILE_HIGH_WATER_BYTES, FILE_MESSAGE_MAX_BYTES } from './file-channel';
import {
  CONNECT_TIMEOUT,
  type LinkState,
  NO_RELAY,
  PeerLink,
  type PeerLinkOptions,
  SIGNAL_BURST,
} from './peer-link';

// Real simple-peer over node-datachannel: two links in one process, signals relayed by hand.

interface Side {
  link: PeerLink;
  states: LinkState[];
  reasons: string[];
  messages: PeerMessage[];
  hellos: string[];
  /** What happened on `lc-file`: 'open', 'closed', 'drain'. */
  fileEvents: string[];
  chunks: Uint8Array[];
}

const FAST_PINGS = { burst: 5, burstGapMs: 100, periodMs: 200 };

const links: PeerLink[] = [];
afterEach(() => {
  for (const link of links.splice(0)) link.close();
  vi.restoreAllMocks();
});

/** `length` bytes that differ from chunk to chunk and from place to place. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

async function connected(extra: Partial<PeerLinkOptions> = {}) {
  const p = pair(extra);
  p.b.link.start(false);
  p.a.link.start(true);
  await until(() => p.a.hellos.length === 1 && p.b.hellos.length === 1);
  return p;
}

function makeSide(
  self: string,
  other: string,
  relay: (to: string, data: unknown) => void,
  extra: Partial<PeerLinkOptions> = {},
): Side {
  const side: Side = {
    states: [],
    reasons: [],
    messages: [],
    hellos: [],
    fileEvents: [],
    chunks: [],
    link: undefined as never,
  };
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
      state: (state, reason) => {
        side.states.push(state);
        side.reasons.push(reason);
      },
      message: (m) => side.messages.push(m),
      hello: (h) => side.hellos.push(h.name),
      track: () => {},
      personal: () => {},
      file: {
        open: () => side.fileEvents.push('open'),
        closed: () => side.fileEvents.push('closed'),
        drain: () => side.fileEvents.push('drain'),
        data: (bytes) => side.chunks.push(new Uint8Array(bytes)),
      },
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

function pair(extra: Partial<PeerLinkOptions> = {}, extraB: Partial<PeerLinkOptions> = extra) {
  const sides = new Map<string, Side>();
  let blocked = false;
  let candidatesBlocked = false;
  const relayed = { count: 0 };
  /** Every offer relayed by the server, in order. */
  const offers: { type: 'offer'; sdp: string }[] = [];
  const relay = (to: string, data: unknown) => {
    relayed.count += 1;
    const d = data as { type?: unknown; sdp?: unknown };
    if (d.type === 'offer' && typeof d.sdp === 'string') offers.push({ type: 'offer', sdp: d.sdp });
    if (blocked || (candidatesBlocked && d.type === 'candidate')) return;
    // A description sent once gathering ended carries the candidates in its SDP.
    const passed =
      candidatesBlocked && typeof d.sdp === 'string'
        ? { ...d, sdp: d.sdp.replace(/^a=candidate:.*\r?\n/gm, '') }
        : data;
    setTimeout(() => sides.get(to)?.link.signal(passed), 0);
  };
  const a = makeSide('a', 'b', relay, extra);
  const b = makeSide('b', 'a', relay, extraB);
  sides.set('a', a);
  sides.set('b', b);
  return {
    a,
    b,
    sides,
    relay,
    relayed,
    offers,
    block: (on: boolean) => {
      blocked = on;
    },
    /** Offers and answers go through, no address does: like a network that blocks the traffic. */
    blockCandidates: () => {
      candidatesBlocked = true;
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
    // A first attempt may fail for another reason under load (node-datachannel once refused the
    // answer) and be retried; what counts is what follows once the two pages have met.
    await until(
      () =>
        newer.link.state === 'failed' &&
        older.link.state === 'failed' &&
        newer.link.outdated !== null &&
        older.link.outdated !== null,
    );
    expect(newer.link.outdated).toBe('peer');
    expect(older.link.outdated).toBe('self');
    // Neither retries: a fresh connection would meet the same pages.
    const reported = [newer.states.length, older.states.length];
    await new Promise((r) => setTimeout(r, 1500));
    expect([newer.states.length, older.states.length]).toEqual(reported);
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

  it('counts an attempt the other side gave up on as failed here too, though its own timer never ran out', async () => {
    // a offers afresh every 0.4 s plus its retry delay; b's own timer would wait 30 s.
    const { a, b, blockCandidates } = pair({ connectTimeoutMs: 400 }, { connectTimeoutMs: 30_000 });
    blockCandidates();
    b.link.start(false);
    a.link.start(true);
    await until(() => b.reasons.filter((r) => r === CONNECT_TIMEOUT).length >= 2, 15_000);
    expect(b.states).not.toContain('connected');
    expect(b.link.state).toBe('connecting');
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

  it('asks for fresh ICE servers on every attempt, and relay only without a relay never connects, saying so', async () => {
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
    // Both sides learn it from their own gathering, the answering side too.
    await until(() => a.reasons.includes(NO_RELAY) && b.reasons.includes(NO_RELAY));
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

  it('carries chunks on lc-file both ways, intact, beside the JSON channel', async () => {
    const { a, b } = await connected();
    await until(() => a.fileEvents.includes('open') && b.fileEvents.includes('open'));
    const big = pattern(FILE_MESSAGE_MAX_BYTES, 7);
    const small = pattern(1000, 3);
    expect(a.link.sendFile(big.slice().buffer)).toBe(true);
    expect(b.link.sendFile(small.slice().buffer)).toBe(true);
    expect(a.link.send({ type: 'chat', id: 'm1', text: 'beside', sentAt: 1 })).toBe(true);
    await until(() => b.chunks.length === 1 && a.chunks.length === 1 && b.messages.length === 1);
    expect(b.chunks[0]).toEqual(big);
    expect(a.chunks[0]).toEqual(small);
    expect(() => a.link.sendFile(new ArrayBuffer(FILE_MESSAGE_MAX_BYTES + 1))).toThrow(RangeError);
    expect([a.link.dropped, b.link.dropped]).toEqual([0, 0]);
  });

  it('holds chunks back past the high-water mark and says when to go on', async () => {
    const { a, b } = await connected();
    await until(() => a.fileEvents.includes('open') && b.fileEvents.includes('open'));
    const chunk = new ArrayBuffer(16 * 1024);
    let queued = 0;
    while (queued < 1000 && a.link.sendFile(chunk)) queued += 1;
    expect(queued).toBeGreaterThanOrEqual(FILE_HIGH_WATER_BYTES / chunk.byteLength);
    expect(queued).toBeLessThan(1000);
    await until(() => a.fileEvents.includes('drain'));
    expect(a.link.sendFile(chunk)).toBe(true);
    await until(() => b.chunks.length === queued + 1);
  });

  it('closes lc-file with the link', async () => {
    const { a, b } = await connected({ pingSchedule: FAST_PINGS, silenceTimeoutMs: 800 });
    await until(() => a.fileEvents.includes('open') && b.fileEvents.includes('open'));
    a.link.close();
    expect(a.fileEvents).toEqual(['open', 'closed']);
    expect(a.link.sendFile(new ArrayBuffer(8))).toBe(false);
    await until(() => b.fileEvents.includes('closed'));
    expect(b.link.sendFile(new ArrayBuffer(8))).toBe(false);
  });

  it('carries a renegotiation on the link itself once it is up, with the server away', async () => {
    const remote = vi.spyOn(RTCPeerConnection.prototype, 'setRemoteDescription');
    const { a, b, relayed, block } = await connected();
    block(true);
    const relayedBefore = relayed.count;
    const sdpBefore = remote.mock.calls.length;
    // What simple-peer on the answering side sends when it adds a track: a asks for a new offer.
    b.link.send({ type: 'signal', data: { type: 'renegotiate', renegotiate: true } });
    // a's offer and b's answer, both over the link.
    await until(() => remote.mock.calls.length >= sdpBefore + 2);
    const types = remote.mock.calls.slice(sdpBefore).map(([d]) => d?.type);
    expect(types).toEqual(['offer', 'answer']);
    expect(relayed.count).toBe(relayedBefore);
    expect(a.link.send({ type: 'chat', id: 'after', text: 'still up', sentAt: 1 })).toBe(true);
    await until(() => b.messages.length === 1);
    expect([a.link.state, b.link.state]).toEqual(['connected', 'connected']);
    expect([a.link.dropped, b.link.dropped]).toEqual([0, 0]);
  });

  it('ignores a flood of signals on the link', async () => {
    const { a, b } = await connected();
    const flood = 20;
    const candidate = { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0' };
    for (let i = 0; i < SIGNAL_BURST + flood; i++) {
      b.link.send({ type: 'signal', data: { type: 'candidate', candidate } });
    }
    await until(() => a.link.dropped >= flood);
    expect(a.link.dropped).toBeLessThan(flood + 5);
    expect(a.link.send({ type: 'chat', id: 'after', text: 'still up', sentAt: 1 })).toBe(true);
    await until(() => b.messages.length === 1);
    expect(a.link.state).toBe('connected');
  });

  it('answers one offer on the link at a time: a burst of offers is dropped, not answered', async () => {
    const { a, b, offers } = await connected();
    const [offer] = offers;
    if (!offer) throw new Error('no offer was relayed');
    const setRemote: (d: RTCSessionDescriptionInit) => Promise<void> =
      RTCPeerConnection.prototype.setRemoteDescription;
    // Only b answers here; a, which never asked, takes each answer as a no-op, as a peer that
    // floods offers would.
    const remote = vi
      .spyOn(RTCPeerConnection.prototype, 'setRemoteDescription')
      .mockImplementation(function (this: RTCPeerConnection, d) {
        return d?.type === 'answer' ? Promise.resolve() : setRemote.call(this, d);
      });
    const burst = 10;
    for (let i = 0; i < burst; i++) a.link.send({ type: 'signal', data: offer });
    const offersTaken = () => remote.mock.calls.filter(([d]) => d?.type === 'offer').length;
    await until(() => offersTaken() + b.link.dropped >= burst);
    const answered = offersTaken();
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered + b.link.dropped).toBe(burst);
    expect(answered).toBeLessThan(burst / 2);
    // The link lives on, and a later offer, once the first is answered, is answered too.
    expect(b.link.state).toBe('connected');
    a.link.send({ type: 'signal', data: offer });
    await until(() => offersTaken() > answered);
    expect(a.link.send({ type: 'chat', id: 'after', text: 'still up', sentAt: 1 })).toBe(true);
    await until(() => b.messages.length === 1);
    expect([a.link.state, b.link.state]).toEqual(['connected', 'connected']);
  });
});
