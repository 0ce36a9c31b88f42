import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { HaveMap } from '../../shared/swarm/have-map';
import {
  CHUNK_BYTES,
  decodeChunkFrame,
  encodeChunkFrame,
  type FileSource,
  fileTag,
} from '../../shared/swarm/messages';
import type { OutgoingChunk } from '../../shared/swarm/pieces';
import type { ChunkSpill } from './chunk-store';
import { DEFAULT_GUEST_OPTIONS, SwarmGuest, type SwarmGuestOptions } from './swarm-guest';
import { SwarmHost } from './swarm-host';
import type { SwarmLink, SwarmMessage } from './swarm-link';

/** Spills to a Map: these tests are about the swarm, not storage. */
class MapSpill implements ChunkSpill {
  readonly chunks = new Map<number, Uint8Array<ArrayBuffer>>();
  async put(i: number, b: Uint8Array<ArrayBuffer>) {
    this.chunks.set(i, b);
  }
  async get(i: number) {
    return this.chunks.get(i) ?? null;
  }
  async clear() {
    this.chunks.clear();
  }
}

type Node = SwarmHost | SwarmGuest;

/** The frame a chunk handed to a link stands for (the host hands its bytes, unframed). */
function frameOf(chunk: OutgoingChunk): ArrayBuffer {
  if (chunk instanceof ArrayBuffer) return chunk;
  expect(chunk.tag).toBe(fileTag(source.id));
  return encodeChunkFrame(source.id, chunk.index, chunk.bytes);
}

/**
 * Members joined by in-memory links: messages and frames arrive on a later task, in order, as
 * on data channels. `tamper` may rewrite a member's outgoing frames (a hostile peer).
 */
class Network {
  readonly nodes = new Map<string, Node>();
  readonly framesFrom = new Map<string, number>();
  add(id: string, node: Node): void {
    for (const [otherId, other] of this.nodes) {
      other.addMember(this.#link(otherId, id, node instanceof SwarmHost, node));
      node.addMember(this.#link(id, otherId, other instanceof SwarmHost, other));
    }
    this.nodes.set(id, node);
  }

  readonly #reserved = new Map<string, Set<string>>();

  /** Links the others to `id` before `id` listens: what they send it meanwhile is lost. */
  reserve(id: string, node: Node): void {
    for (const [otherId, other] of this.nodes) {
      other.addMember(this.#link(otherId, id, node instanceof SwarmHost, node));
    }
    this.#reserved.set(id, new Set(this.nodes.keys()));
  }

  /** `id`, reserved before, starts listening; members that came since link to it now. */
  listen(id: string, node: Node): void {
    const linked = this.#reserved.get(id) ?? new Set();
    for (const [otherId, other] of this.nodes) {
      node.addMember(this.#link(id, otherId, other instanceof SwarmHost, other));
      if (!linked.has(otherId))
        other.addMember(this.#link(otherId, id, node instanceof SwarmHost, node));
    }
    this.nodes.set(id, node);
  }

  remove(id: string): void {
    this.nodes.delete(id);
    for (const other of this.nodes.values()) other.removeMember(id);
  }

  /** The link `from` uses to reach `to`. */
  #link(from: string, to: string, toIsHost: boolean, target: Node): SwarmLink {
    return {
      peerId: to,
      isHost: toIsHost,
      send: (message: SwarmMessage) => {
        setTimeout(() => {
          if (this.nodes.get(to) === target) target.message(from, message);
        });
      },
      sendChunk: (chunk: OutgoingChunk) => {
        const frame = frameOf(chunk);
        const sent = this.#tampers.get(from)?.(frame) ?? frame;
        setTimeout(() => {
          if (this.nodes.get(to) !== target) return;
          this.framesFrom.set(from, (this.framesFrom.get(from) ?? 0) + 1);
          if (target instanceof SwarmGuest) target.frame(from, sent);
        });
        return true;
      },
    };
  }

  readonly #tampers = new Map<string, (frame: ArrayBuffer) => ArrayBuffer>();
  tamper(id: string, fn: (frame: ArrayBuffer) => ArrayBuffer): void {
    this.#tampers.set(id, fn);
  }
}

const file = randomBytes(20 * CHUNK_BYTES + 12_345);
const source: FileSource = {
  kind: 'file',
  id: '0123456789abcdef0123456789abcdef',
  name: 'film.mp4',
  size: file.length,
  type: 'video/mp4',
  duration: 10,
  chunkSize: CHUNK_BYTES,
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function guest(
  id: string,
  dropped: string[] = [],
  progress: () => void = () => {},
  tuned: Partial<
    Pick<SwarmGuestOptions, 'requestTimeoutMs' | 'urgentTimeoutMs' | 'paceFactor'>
  > = {},
): SwarmGuest {
  return new SwarmGuest(
    source,
    {
      ...DEFAULT_GUEST_OPTIONS,
      self: id,
      spill: new MapSpill(),
      now: () => performance.now(),
      // Fast enough that a test does not wait on pacing.
      paceFactor: 50,
      memoryBytes: 2 * CHUNK_BYTES,
      ...tuned,
    },
    { progress, dropped: (peerId) => dropped.push(peerId) },
  );
}

/** A member of `g`'s that serves nothing: returns everything `g` sends it, as sent. */
function listeningMember(g: SwarmGuest, peerId: string, isHost: boolean): SwarmMessage[] {
  const messages: SwarmMessage[] = [];
  g.addMember({ peerId, isHost, send: (m) => messages.push(m), sendChunk: () => true });
  return messages;
}

/** The chunks `messages` asked for, in order. */
const wantsIn = (messages: SwarmMessage[]): number[] =>
  messages.flatMap((m) => (m.type === 'file-want' ? [m.chunk] : []));

/**
 * A guest member of `g`'s holding only `chunk`, that answers nothing by itself: returns what `g`
 * sends it, and `answer()` sends `g` that chunk's true frame.
 */
function slowMember(g: SwarmGuest, peerId: string, chunk: number) {
  const messages = listeningMember(g, peerId, false);
  const have = new HaveMap(g.chunks);
  have.add(chunk);
  g.message(peerId, { type: 'file-have', id: source.id, map: have.toBase64() });
  const bytes = file.subarray(chunk * CHUNK_BYTES, (chunk + 1) * CHUNK_BYTES);
  return {
    messages,
    answer: () => g.frame(peerId, encodeChunkFrame(source.id, chunk, new Uint8Array(bytes))),
  };
}

/** Lets a guest's once-a-second check for requests that took too long run now. */
async function expireRequests(): Promise<void> {
  // Past the tests' 50 ms timeouts on the real clock the guest measures by.
  await new Promise((r) => setTimeout(r, 80));
  vi.advanceTimersByTime(1000);
}

/** Reads the whole file as a player would, in 2 MiB requests from the start. */
async function play(g: SwarmGuest): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (let start = 0; start < source.size; start += 2 * 1024 * 1024) {
    parts.push(await g.read(start, Math.min(source.size, start + 2 * 1024 * 1024) - 1));
  }
  return Buffer.concat(parts);
}

describe('a file shared over the swarm', () => {
  it('reaches every guest byte for byte, most of it from other guests', async () => {
    const net = new Network();
    const host = new SwarmHost(source, new Blob([file]), { unplayable: () => {} });
    net.add('host', host);
    const guests = ['g1', 'g2', 'g3'].map((id) => {
      const g = guest(id);
      net.add(id, g);
      return g;
    });
    const played = await Promise.all(guests.map(play));
    for (const p of played) expect(sha(p)).toBe(sha(file));
    // A late joiner takes most of its bytes from the guests.
    const late = guest('late');
    net.add('late', late);
    expect(sha(await play(late))).toBe(sha(file));
    const fromHost = late.receivedFrom.get('host') ?? 0;
    expect(fromHost).toBeLessThan(source.size / 2);
    for (const g of [...guests, late]) await g.close();
  });

  it('asks for no chunk twice: one whose hash is being checked counts as asked', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const g = guest('g');
    net.add('g', g);
    expect(sha(await play(g))).toBe(sha(file));
    await expect.poll(() => g.store.held.complete).toBe(true);
    expect(net.framesFrom.get('host')).toBe(g.chunks);
    await g.close();
  });

  it('a guest that starts listening after the others began still gets every hash and every map', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const slow = guest('slow');
    // The page that opens the file late (its worker registering): its links are up already.
    net.reserve('slow', slow);
    const fast = guest('fast');
    net.add('fast', fast);
    expect(sha(await play(fast))).toBe(sha(file));
    net.listen('slow', slow);
    expect(sha(await play(slow))).toBe(sha(file));
    expect(slow.receivedFrom.get('fast') ?? 0).toBeGreaterThan(0);
  });

  it('the host reads and hashes the file’s first and last slices before anyone asks', async () => {
    const host = new SwarmHost(source, new Blob([file]), { unplayable: () => {} });
    const { hashes } = host.seed;
    await expect.poll(() => hashes[0] !== undefined && hashes.at(-1) !== undefined).toBe(true);
  });

  it('asks for the file’s end (where an MP4 may keep its index) right after its start', async () => {
    const g = guest('g');
    const toHost = listeningMember(g, 'host', true);
    // The last 256 KiB (the short last chunk and the one before it), then the urgent window,
    // then prefetch.
    expect(wantsIn(toHost).slice(0, 6)).toEqual([0, 19, 20, 1, 2, 3]);
    await g.close();
  });

  it('tells the player how far the bytes it holds go without a gap', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const g = guest('g');
    expect(g.heldEnd(10)).toBe(10);
    net.add('g', g);
    await g.read(0, 3 * CHUNK_BYTES - 1);
    expect(g.heldEnd(10)).toBeGreaterThanOrEqual(3 * CHUNK_BYTES);
    await expect.poll(() => g.store.held.complete, { timeout: 10_000 }).toBe(true);
    expect(g.heldEnd(CHUNK_BYTES + 1)).toBe(source.size);
    await g.close();
  });

  it('fetches the whole file at its pace even while the player asks for nothing', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const g = new SwarmGuest(
      source,
      {
        ...DEFAULT_GUEST_OPTIONS,
        self: 'g',
        spill: new MapSpill(),
        now: () => performance.now(),
        // About two chunks a second once the first 16 are spent.
        paceFactor: 1,
        memoryBytes: 2 * CHUNK_BYTES,
      },
      { progress: () => {}, dropped: () => {} },
    );
    net.add('g', g);
    await expect.poll(() => g.store.held.complete, { timeout: 10_000 }).toBe(true);
    await g.close();
  });

  /**
   * A guest that holds the file starts serving it through `tamper`; a newcomer must drop it, take
   * nothing from it, and still assemble the file.
   */
  async function expectLiarDropped(tamper: (frame: ArrayBuffer) => ArrayBuffer): Promise<void> {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const liar = guest('liar');
    net.add('liar', liar);
    expect(sha(await play(liar))).toBe(sha(file));
    net.tamper('liar', tamper);
    const dropped: string[] = [];
    const victim = guest('victim', dropped);
    net.add('victim', victim);
    expect(sha(await play(victim))).toBe(sha(file));
    expect(dropped).toEqual(['liar']);
    expect(victim.receivedFrom.get('liar') ?? 0).toBe(0);
  }

  it('drops a guest that serves a corrupt chunk and gets it elsewhere', async () => {
    // A byte of every chunk flipped.
    await expectLiarDropped((frame) => {
      const copy = new Uint8Array(frame.slice(0));
      copy[100] = (copy[100] ?? 0) ^ 0xff;
      return copy.buffer;
    });
  });

  it('drops a guest whose chunk is longer than the host said, header and all', async () => {
    // The right index and every real byte, plus one more.
    await expectLiarDropped((frame) => {
      const longer = new Uint8Array(frame.byteLength + 1);
      longer.set(new Uint8Array(frame));
      return longer.buffer;
    });
  });

  it('drops a guest that claims every chunk and serves none, and stops asking it', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const dropped: string[] = [];
    const victim = guest('victim', dropped, () => {}, {
      requestTimeoutMs: 300,
      urgentTimeoutMs: 100,
    });
    net.add('victim', victim);
    const toWithholder = listeningMember(victim, 'withholder', false);
    const all = HaveMap.full(Math.ceil(source.size / source.chunkSize)).toBase64();
    victim.message('withholder', { type: 'file-have', id: source.id, map: all });
    expect(sha(await play(victim))).toBe(sha(file));
    await expect.poll(() => dropped, { timeout: 5000 }).toEqual(['withholder']);
    const asked = wantsIn(toWithholder).length;
    // Once dropped, a fresh claim gets it asked nothing more.
    victim.message('withholder', { type: 'file-have', id: source.id, map: all });
    await new Promise((r) => setTimeout(r, 50));
    expect(wantsIn(toWithholder).length).toBe(asked);
    await victim.close();
  });

  it('tells a member to drop a request it was too slow for once someone else is asked', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const g = guest('g', [], () => {}, { urgentTimeoutMs: 50, requestTimeoutMs: 50 });
      // The playhead's chunk is asked of the guest that holds it first, sparing the host.
      const slow = slowMember(g, 'slow', 0);
      const net = new Network();
      const host = new SwarmHost(source, new Blob([file]), { unplayable: () => {} });
      net.add('host', host);
      net.add('g', g);
      expect(slow.messages).toContainEqual({
        type: 'file-want',
        id: source.id,
        chunk: 0,
        urgent: true,
      });
      // The host answers its chunks at once, so the chunk goes to it when `slow` takes too long.
      await expect.poll(() => g.receivedFrom.get('host') ?? 0).toBeGreaterThan(0);
      await expireRequests();
      await expect.poll(() => g.store.held.has(0)).toBe(true);
      expect(g.receivedFrom.get('host')).toBeGreaterThan(0);
      expect(slow.messages).toContainEqual({ type: 'file-cancel', id: source.id, chunk: 0 });
      // Its answer after all counts for nothing and is not taken.
      slow.answer();
      expect(g.receivedFrom.get('slow')).toBeUndefined();
      await g.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('moves prefetch the host has not served yet to a guest that now holds it', async () => {
    const g = guest('g');
    const toHost = listeningMember(g, 'host', true);
    const askedOfHost = toHost.flatMap((m) => (m.type === 'file-want' ? [m] : []));
    const prefetch = askedOfHost.filter((m) => !m.urgent).map((m) => m.chunk);
    expect(prefetch.length).toBeGreaterThan(0);
    // A guest that holds the whole file arrives.
    const toPeer = listeningMember(g, 'peer', false);
    const all = HaveMap.full(g.chunks).toBase64();
    g.message('peer', { type: 'file-have', id: source.id, map: all });
    const cancelled = toHost.flatMap((m) => (m.type === 'file-cancel' ? [m.chunk] : []));
    // As many as the guest has slots for, prefetch only: the player's chunks stay with the host.
    expect(cancelled.length).toBe(Math.min(prefetch.length, 4));
    for (const chunk of cancelled) {
      expect(prefetch).toContain(chunk);
      expect(toPeer).toContainEqual({ type: 'file-want', id: source.id, chunk, urgent: false });
    }
    await g.close();
  });

  it('asks again as urgent, of the same member, prefetch the player has reached', async () => {
    const g = guest('g');
    const toHost = listeningMember(g, 'host', true);
    const prefetch = toHost.flatMap((m) => (m.type === 'file-want' && !m.urgent ? [m.chunk] : []));
    const reached = Math.max(...prefetch);
    // The player seeks there (nothing answers, so the read stays open).
    const read = g.read(reached * CHUNK_BYTES, reached * CHUNK_BYTES + 100).catch(() => null);
    expect(toHost.at(-1)).toEqual({
      type: 'file-want',
      id: source.id,
      chunk: reached,
      urgent: true,
    });
    await g.close();
    expect(await read).toBeNull();
  });

  it('takes a late answer from a member given up on while nobody else was asked', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      // The pace allows the first few prefetch requests and no more for minutes.
      const g = guest('g', [], () => {}, {
        urgentTimeoutMs: 50,
        requestTimeoutMs: 50,
        paceFactor: 0.001,
      });
      // Chunk 10 lies in the prefetch window: asked of the guest that holds it.
      const slow = slowMember(g, 'slow', 10);
      const net = new Network();
      net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
      net.add('g', g);
      expect(slow.messages.filter((m) => m.type === 'file-want')).toEqual([
        { type: 'file-want', id: source.id, chunk: 10, urgent: false },
      ]);
      await expireRequests();
      slow.answer();
      await expect.poll(() => g.store.held.has(10)).toBe(true);
      expect(g.receivedFrom.get('slow')).toBe(CHUNK_BYTES);
      expect(slow.messages.some((m) => m.type === 'file-cancel')).toBe(false);
      await g.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('goes on when a member leaves mid-transfer', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const a = guest('a');
    net.add('a', a);
    await play(a);
    // b loses a as soon as a has served it its first chunk, with more asked of it.
    let aLeft = false;
    const b: SwarmGuest = guest('b', [], () => {
      if (!aLeft && (b.receivedFrom.get('a') ?? 0) > 0) {
        aLeft = true;
        net.remove('a');
      }
    });
    net.add('b', b);
    expect(sha(await play(b))).toBe(sha(file));
    expect(aLeft).toBe(true);
    expect(b.receivedFrom.get('a')).toBeLessThan(source.size);
  });

  it('ignores frames nobody asked for, of another file, or from a non-member', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const g = guest('g');
    net.add('g', g);
    const bytes = new Uint8Array(CHUNK_BYTES);
    g.frame('host', encodeChunkFrame(source.id, 500, bytes));
    g.frame('stranger', encodeChunkFrame(source.id, 0, bytes));
    g.frame('host', encodeChunkFrame('ffffffff89abcdef0123456789abcdef', 0, bytes));
    g.frame('host', new ArrayBuffer(3));
    expect(decodeChunkFrame(new ArrayBuffer(3))).toBeNull();
    expect(sha(await play(g))).toBe(sha(file));
    expect(g.store.held.complete).toBe(true);
  });

  it('pauses prefetch while its disk lags, so memory holds no more than the backlog, then goes on', async () => {
    const net = new Network();
    net.add('host', new SwarmHost(source, new Blob([file]), { unplayable: () => {} }));
    const written: Array<() => void> = [];
    const spill = new MapSpill();
    const lagging: ChunkSpill = {
      put: (i, b) => new Promise((resolve) => written.push(() => resolve(spill.put(i, b)))),
      get: (i) => spill.get(i),
      clear: () => spill.clear(),
    };
    const g = new SwarmGuest(
      source,
      {
        ...DEFAULT_GUEST_OPTIONS,
        self: 'g',
        spill: lagging,
        now: () => performance.now(),
        paceFactor: 50,
        memoryBytes: 2 * CHUNK_BYTES,
        spillBacklogBytes: 3 * CHUNK_BYTES,
      },
      { progress: () => {}, dropped: () => {} },
    );
    net.add('g', g);
    await expect.poll(() => g.store.unwritten).toBeGreaterThan(3 * CHUNK_BYTES);
    // Nothing more is asked: what was in flight arrives, then the guest waits for its disk.
    await new Promise((r) => setTimeout(r, 300));
    const held = g.store.held.count;
    // The urgent window and the tail (6), the first burst and what the pace adds before four
    // chunks wait for the disk; without the pause all 21 would come.
    expect(held).toBeLessThan(14);
    // Nothing was written, so everything held is in memory, and counted there.
    expect(g.store.memoryUsed).toBe(g.store.unwritten);
    expect(g.store.memoryUsed).toBeLessThanOrEqual(held * CHUNK_BYTES);
    // The disk catches up: the rest comes, and memory goes back to the budget.
    const release = setInterval(() => {
      for (const settle of written.splice(0)) settle();
    }, 5);
    await expect.poll(() => g.store.held.complete, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => g.store.memoryUsed).toBeLessThanOrEqual(2 * CHUNK_BYTES);
    clearInterval(release);
    await g.close();
  });
});
