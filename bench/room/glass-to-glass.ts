import type { Person } from '../lib/people';
import { round } from '../lib/stats';

/** How long frames and beeps are logged for one glass-to-glass figure (ms). */
export const FRAME_WINDOW_MS = 8000;

/** Peak signal-to-noise ratio (dB) of a guest's grey thumbnail against the host's of the same frame. */
function psnrDb(original: number[], received: number[]): number {
  let sum = 0;
  for (let i = 0; i < original.length; i++) sum += ((original[i] ?? 0) - (received[i] ?? 0)) ** 2;
  const mse = sum / original.length;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** The value in `list` nearest to the middle of [from, to], if any lies within it. */
function nearest(list: number[], from: number, to: number): number | null {
  const mid = (from + to) / 2;
  let best: number | null = null;
  for (const v of list) {
    if (v < from || v > to) continue;
    if (best === null || Math.abs(v - mid) < Math.abs(best - mid)) best = v;
  }
  return best;
}

type Totals = Awaited<ReturnType<Window['lcProbes']['rtpTotals']>>;
type Side = 'out' | 'in' | 'audioIn' | 'playout';

/** Per-frame (or per-sample) means of getStats counters between two snapshots of one page. */
export function rtpDelta(a: Totals, b: Totals) {
  const d = (side: Side, key: string) => (b[side][key] ?? 0) - (a[side][key] ?? 0);
  const per = (side: Side, sum: string, count: string) =>
    d(side, count) > 0 ? round((d(side, sum) / d(side, count)) * 1000, 1) : null;
  const seconds = (b.t - a.t) / 1000;
  return {
    encodeMsPerFrame: per('out', 'totalEncodeTime', 'framesEncoded'),
    packetSendDelayMs: per('out', 'totalPacketSendDelay', 'packetsSent'),
    framesEncodedPerSecond: round(d('out', 'framesEncoded') / seconds, 1),
    sentKbps: round((d('out', 'bytesSent') * 8) / seconds / 1000, 0),
    jitterBufferMs: per('in', 'jitterBufferDelay', 'jitterBufferEmittedCount'),
    jitterBufferTargetMs: per('in', 'jitterBufferTargetDelay', 'jitterBufferEmittedCount'),
    jitterBufferMinimumMs: per('in', 'jitterBufferMinimumDelay', 'jitterBufferEmittedCount'),
    decodeMsPerFrame: per('in', 'totalDecodeTime', 'framesDecoded'),
    assemblyMsPerFrame: per('in', 'totalAssemblyTime', 'framesAssembledFromMultiplePackets'),
    framesDecodedPerSecond: round(d('in', 'framesDecoded') / seconds, 1),
    framesDropped: d('in', 'framesDropped'),
    audioJitterBufferMs: per('audioIn', 'jitterBufferDelay', 'jitterBufferEmittedCount'),
    audioJitterBufferTargetMs: per(
      'audioIn',
      'jitterBufferTargetDelay',
      'jitterBufferEmittedCount',
    ),
    audioPlayoutDelayMs: per('playout', 'totalPlayoutDelay', 'totalSamplesCount'),
    info: b.info,
  };
}

export const snapshot = (people: Person[]) =>
  Promise.all(people.map((p) => p.page.evaluate(() => window.lcProbes.rtpTotals())));

/**
 * Glass-to-glass per frame, and its stages: the host's presentation → the captured track's
 * consumer (`capture`), → the guest's last packet of the frame (`network`: encode, pacing
 * and the wire), → the guest's presentation (`receiver`: jitter buffer, decode, render).
 * `senderToReceive` is the same middle stretch from the frame's RTP capture time as the
 * receiver maps it. getStats deltas over the window tell what the encoder and each receiver
 * report for the same frames.
 */
export async function glassToGlass(host: Person, guests: Person[]) {
  await host.page.evaluate(async () => {
    window.lcProbes.logFrames('video');
    window.lcProbes.logCapture();
    await window.lcProbes.logBeeps(null);
  });
  await Promise.all(
    guests.map((g) =>
      g.page.evaluate(async () => {
        window.lcProbes.logFrames('video.remote');
        await window.lcProbes.logBeeps('video.remote');
      }),
    ),
  );
  const [hostBefore, ...guestsBefore] = await snapshot([host, ...guests]);
  await new Promise((r) => setTimeout(r, FRAME_WINDOW_MS));
  const [hostAfter, ...guestsAfter] = await snapshot([host, ...guests]);
  const hostFrames = await host.page.evaluate(() => window.lcProbes.frames);
  const captured = await host.page.evaluate(() => window.lcProbes.captured);
  const firstAt = (list: Array<{ n: number; t: number }>) => {
    const at = new Map<number, number>();
    for (const f of list) if (!at.has(f.n)) at.set(f.n, f.t);
    return at;
  };
  const shownAt = firstAt(hostFrames);
  const capturedAt = firstAt(captured);
  const stages = {
    capture: [] as number[],
    network: [] as number[],
    receiver: [] as number[],
    senderToReceive: [] as number[],
  };
  for (const [n, t] of capturedAt) {
    const shown = shownAt.get(n);
    if (shown !== undefined) stages.capture.push(t - shown);
  }
  const hostBeeps = await host.page.evaluate(() => window.lcProbes.beeps);
  const tapLatency = await host.page.evaluate(() => window.lcProbes.beepTapLatencyMs);
  const sound = {
    audioLatency: [] as number[],
    videoAfterAudio: [] as number[],
    hostVideoAfterAudio: [] as number[],
  };
  const hostBeepFrames = hostFrames.filter((f) => f.n % 30 === 0).map((f) => f.t);
  for (const b of hostBeeps) {
    const shown = nearest(hostBeepFrames, b - 500, b + 500);
    if (shown !== null) sound.hostVideoAfterAudio.push(shown - b);
  }
  const all: number[] = [];
  const hostThumbs = await host.page.evaluate(() => window.lcProbes.thumbs);
  const psnr: number[] = [];
  for (const g of guests) {
    const frames = await g.page.evaluate(() => window.lcProbes.frames);
    const thumbs = await g.page.evaluate(() => window.lcProbes.thumbs);
    for (const [n, grey] of Object.entries(thumbs)) {
      const original = hostThumbs[Number(n)];
      if (original) psnr.push(psnrDb(original, grey));
    }
    const beeps = await g.page.evaluate(() => window.lcProbes.beeps);
    for (const b of beeps) {
      const heardAtHost = nearest(hostBeeps, b - 1000, b);
      if (heardAtHost !== null) sound.audioLatency.push(b - heardAtHost);
      // The beep's picture: the frame presented nearest to it whose number is a multiple of 30.
      const beepFrames = frames.filter((f) => f.n % 30 === 0).map((f) => f.t);
      const shown = nearest(beepFrames, b - 500, b + 500);
      if (shown !== null) sound.videoAfterAudio.push(shown - b);
    }
    const seen = new Set<number>();
    for (const f of frames) {
      const hostT = shownAt.get(f.n);
      if (hostT === undefined || seen.has(f.n)) continue;
      seen.add(f.n);
      all.push(f.t - hostT);
      if (f.receive === null) continue;
      stages.receiver.push(f.t - f.receive);
      const cap = capturedAt.get(f.n);
      if (cap !== undefined) stages.network.push(f.receive - cap);
      if (f.capture !== null) stages.senderToReceive.push(f.receive - f.capture);
    }
  }
  return {
    all,
    stages,
    sound: { ...sound, tapLatencyMs: round(tapLatency, 1) },
    psnr,
    rates: {
      hostPresentedFps: round(shownAt.size / (FRAME_WINDOW_MS / 1000), 1),
      capturedFps: round(captured.length / (FRAME_WINDOW_MS / 1000), 1),
    },
    stats: {
      host: hostBefore && hostAfter ? rtpDelta(hostBefore, hostAfter) : null,
      guests: guestsBefore.map((b, i) => {
        const a = guestsAfter[i];
        return a ? rtpDelta(b, a) : null;
      }),
    },
  };
}
