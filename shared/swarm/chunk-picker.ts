import type { HaveMap } from './have-map';

/** A member that may serve chunks, as the guest that asks sees it. */
export interface Holder {
  peerId: string;
  /** What it holds; the host holds everything. */
  have: HaveMap | 'all';
  isHost: boolean;
  /** Requests sent to it and not answered yet. */
  inFlight: number;
  /** Measured delivery, bytes per ms; null before its first chunk. */
  throughput: number | null;
}

export interface PickParams {
  /** Chunks from the playhead on that the player needs now: asked first, of the fastest holder. */
  urgentChunks: number;
  /** The next chunks after those: asked in order, of guests where one holds them. */
  prefetchChunks: number;
  /** Requests one holder may have unanswered. */
  maxInFlightPerHolder: number;
  /**
   * Beyond those, urgent requests one holder may have unanswered: a seek's chunks are asked at
   * once even while prefetch fills every slot (the holder serves them first, ChunkServer).
   */
  urgentSlotsPerHolder: number;
  /** How far past the prefetch window one pick looks for the rest, so a pick stays cheap. */
  scanChunks: number;
}

export const DEFAULT_PICK_PARAMS: PickParams = {
  urgentChunks: 4,
  prefetchChunks: 12,
  maxInFlightPerHolder: 4,
  urgentSlotsPerHolder: 4,
  scanChunks: 512,
};

export interface PickState {
  /** The asking member's peer ID: where in the file it starts taking chunks only the host has. */
  self: string;
  chunks: number;
  have: HaveMap;
  /** Chunks asked for and not answered yet. */
  requested: ReadonlySet<number>;
  /** The chunk the player reads now. */
  playhead: number;
  /**
   * Chunks away from the playhead that the player is likely to read next, such as the file's
   * end, where an MP4 may keep its index: asked right after the playhead's chunk, unpaced, so
   * the player does not wait for each in turn. Empty or left out: none.
   */
  eager?: readonly number[];
  holders: readonly Holder[];
  /** How many requests beyond the urgent window pacing allows now. */
  budget: number;
}

export interface ChunkRequest {
  chunk: number;
  peerId: string;
  /** From the urgent window or the eager chunks: unpaced, served before prefetch. */
  urgent: boolean;
}

/**
 * The requests to send now. The urgent window (with the eager chunks after its first) goes to
 * the fastest free holder, host included, because the picture waits for it. Past it, a chunk goes to a guest that holds it where one is
 * free (weighted by throughput, so the host's upload stays near one copy), and only then to the
 * host; the host's chunks come last, so guests trade whatever one of them already holds first.
 */
export function pickRequests(
  state: PickState,
  params: PickParams = DEFAULT_PICK_PARAMS,
  random: () => number = Math.random,
): ChunkRequest[] {
  // Slots for any request, and (counted separately) the extra ones only urgent requests take.
  const free = new Map<Holder, number>();
  const urgentFree = new Map<Holder, number>();
  for (const h of state.holders) {
    const slots = params.maxInFlightPerHolder - h.inFlight;
    if (slots > 0) free.set(h, slots);
    const extra = params.maxInFlightPerHolder + params.urgentSlotsPerHolder - h.inFlight;
    if (extra > 0) urgentFree.set(h, Math.min(extra, params.urgentSlotsPerHolder));
  }
  const known = state.holders.flatMap((h) => (h.throughput === null ? [] : [h.throughput]));
  // An unmeasured holder counts as an average one, so it gets tried.
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const speed = (h: Holder) => Math.max(h.throughput ?? fallback, 1e-6);
  const holds = (h: Holder, chunk: number) => h.have === 'all' || h.have.has(chunk);
  const wanted = (chunk: number) =>
    chunk >= 0 && chunk < state.chunks && !state.have.has(chunk) && !state.requested.has(chunk);

  const out: ChunkRequest[] = [];
  const taken = new Set<number>();
  const assign = (chunk: number, holder: Holder, urgent: boolean) => {
    out.push({ chunk, peerId: holder.peerId, urgent });
    taken.add(chunk);
    // An urgent request takes an urgent slot first, so prefetch keeps its own.
    const pool = urgent && (urgentFree.get(holder) ?? 0) > 0 ? urgentFree : free;
    const left = (pool.get(holder) ?? 0) - 1;
    if (left > 0) pool.set(holder, left);
    else pool.delete(holder);
  };
  const candidates = (chunk: number, guestsOnly: boolean) =>
    [...free.keys()].filter((h) => holds(h, chunk) && !(guestsOnly && h.isHost));
  const weighted = (holders: Holder[]): Holder | undefined => {
    const weights = holders.map((h) => speed(h) / (1 + h.inFlight));
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < holders.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return holders[i];
    }
    return holders[holders.length - 1];
  };

  const urgentEnd = state.playhead + params.urgentChunks;
  const urgent = [state.playhead, ...(state.eager ?? [])];
  for (let c = state.playhead + 1; c < urgentEnd; c++) urgent.push(c);
  for (const c of urgent) {
    if (!wanted(c) || taken.has(c)) continue;
    // On equal speed a guest goes first, sparing the host.
    const best = state.holders
      .filter((h) => holds(h, c) && (free.has(h) || urgentFree.has(h)))
      .sort((a, b) => speed(b) - speed(a) || Number(a.isHost) - Number(b.isHost))[0];
    if (best) assign(c, best, true);
  }

  let budget = state.budget;
  const prefetch: number[] = [];
  for (let c = urgentEnd; c < urgentEnd + params.prefetchChunks; c++) {
    if (wanted(c)) prefetch.push(c);
  }
  // From the prefetch window's end to the file's end, then from its start to the playhead.
  const rest: number[] = [];
  const scan = (from: number, to: number) => {
    for (let c = from; c < to && rest.length < params.scanChunks; c++) if (wanted(c)) rest.push(c);
  };
  scan(urgentEnd + params.prefetchChunks, state.chunks);
  scan(0, Math.min(state.playhead, state.chunks));
  const fromGuests = (chunks: number[]) => {
    for (const c of chunks) {
      if (budget <= 0 || !free.size) return;
      if (taken.has(c)) continue;
      const guest = weighted(candidates(c, true));
      if (guest) {
        assign(c, guest, false);
        budget--;
      }
    }
  };
  const fromHost = (chunks: number[]) => {
    for (const c of chunks) {
      if (budget <= 0 || !free.size) return;
      if (taken.has(c)) continue;
      const host = candidates(c, false).find((h) => h.isHost);
      if (host) {
        assign(c, host, false);
        budget--;
      }
    }
  };
  fromGuests(prefetch);
  fromGuests(rest);
  // Each guest walks the chunks only the host has from its own point of the window and of the
  // file, so guests that ask together take different ones and then trade them (random picks
  // collide more as the pool shrinks). A guest alone takes them in order: the next is needed first.
  const alone = state.holders.every((h) => h.isHost);
  const spread = alone ? 0 : spreadOf(state.self);
  fromHost(rotated(prefetch, spread));
  fromHost(rotated(rest, spread));
  return out;
}

/** A number that differs between members: FNV-1a of the peer ID. */
function spreadOf(self: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < self.length; i++) hash = Math.imul(hash ^ self.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function rotated<T>(items: readonly T[], by: number): T[] {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}
