import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { describeEnvironment, finishEnvironment, startEnvironment } from '../lib/environment';
import { cpuSplitPercent, findPid, treeCpuSplit } from '../lib/proc';
import { writeResults } from '../lib/results';
import { figures } from '../lib/stats';

/**
 * bench/share/channel-latency (issue 12): two bare pages in two Chromium browsers, no app code.
 * One sends a file-like stream on a data channel while it pings the other every 20 ms on a second
 * channel of the same connection and on a channel of a connection of its own; the other records
 * each ping's one-way time. Each case varies one thing of how the stream is sent. Each browser's
 * CPU while it runs (% of a core, per process type and thread, from /proc) is the platform's own
 * cost of moving those bytes, to set against the app's (bench/share). Prints the figures, writes
 * bench/results/channel-latency.json.
 */
export interface SendCase {
  name: string;
  /** Bytes per second the stream carries; 0 sends nothing (the baseline), Infinity flat out. */
  rate: number;
  /** Bytes per message. */
  piece: number;
  /** `burst`: a 256 KiB chunk at a time through the window, like the swarm; `smooth`: a timer. */
  fill: 'burst' | 'smooth';
  highWater: number;
  ordered: boolean;
  priority?: RTCPriorityType;
  /** The ping channel's priority. */
  pingPriority?: RTCPriorityType;
}

const SECONDS = Number(process.env.CHANNEL_SECONDS ?? 8);
const MB = 1_000_000;
const KIB = 1024;
const base = {
  rate: 1.5 * MB,
  piece: 16 * KIB,
  fill: 'burst',
  highWater: 32 * KIB,
  ordered: true,
} as const;
const CASES: SendCase[] = [
  { ...base, name: 'no stream', rate: 0 },
  { ...base, name: 'swarm today: 256 KiB bursts, 16 KiB, hw 32 KiB' },
  { ...base, name: 'bursts, 8 KiB pieces', piece: 8 * KIB },
  { ...base, name: 'bursts, 4 KiB pieces', piece: 4 * KIB },
  // Past the 16 KiB the swarm may send (protocol v5): what larger messages would save in CPU.
  { ...base, name: 'bursts, 64 KiB pieces', piece: 64 * KIB, highWater: 128 * KIB },
  { ...base, name: 'bursts, hw 16 KiB', highWater: 16 * KIB },
  { ...base, name: 'bursts, hw 128 KiB', highWater: 128 * KIB },
  { ...base, name: 'bursts, unordered', ordered: false },
  { ...base, name: 'bursts, priority very-low', priority: 'very-low' },
  { ...base, name: 'bursts, ping priority high', pingPriority: 'high' },
  { ...base, name: 'smooth 10 ms timer, 16 KiB', fill: 'smooth' },
  { ...base, name: 'smooth 10 ms timer, 4 KiB', fill: 'smooth', piece: 4 * KIB },
  { ...base, name: 'smooth, 3 MB/s', fill: 'smooth', rate: 3 * MB },
  { ...base, name: 'flat out, hw 32 KiB', rate: Number.POSITIVE_INFINITY },
];

declare global {
  interface Window {
    bare: {
      pcs: RTCPeerConnection[];
      channels: Record<string, RTCDataChannel>;
      pings: Array<{ on: string; sent: number; t: number }>;
      received: number;
    };
  }
}

/** Both pages' ends: three negotiated channels on one connection, one on another. */
async function connect(a: Page, b: Page, c: SendCase): Promise<void> {
  const setUp = (page: Page, offerer: boolean) =>
    page.evaluate(
      ([c, offerer]) => {
        const now = () => performance.timeOrigin + performance.now();
        const bare: Window['bare'] = { pcs: [], channels: {}, pings: [], received: 0 };
        window.bare = bare;
        const shared = new RTCPeerConnection({ iceServers: [] });
        const own = new RTCPeerConnection({ iceServers: [] });
        bare.pcs = [shared, own];
        const make = (pc: RTCPeerConnection, label: string, init: RTCDataChannelInit) => {
          const ch = pc.createDataChannel(label, { negotiated: true, ...init });
          ch.binaryType = 'arraybuffer';
          ch.onmessage = (e: MessageEvent) => {
            if (typeof e.data === 'string')
              bare.pings.push({ on: label, sent: Number(e.data), t: now() });
            else bare.received += (e.data as ArrayBuffer).byteLength;
          };
          bare.channels[label] = ch;
        };
        make(shared, 'json', { id: 0, ...(c.pingPriority ? { priority: c.pingPriority } : {}) });
        make(shared, 'file', {
          id: 8,
          ordered: c.ordered,
          ...(c.priority ? { priority: c.priority } : {}),
        });
        make(own, 'raw', { id: 0 });
        return offerer;
      },
      [c, offerer] as const,
    );
  await setUp(a, true);
  await setUp(b, false);
  for (const i of [0, 1]) {
    const offer = await a.evaluate(async (i) => {
      const pc = window.bare.pcs[i] as RTCPeerConnection;
      await pc.setLocalDescription();
      while (pc.iceGatheringState !== 'complete')
        await new Promise((r) => pc.addEventListener('icegatheringstatechange', r, { once: true }));
      return pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
    }, i);
    const answer = await b.evaluate(
      async ([i, offer]) => {
        const pc = window.bare.pcs[i] as RTCPeerConnection;
        await pc.setRemoteDescription(offer);
        await pc.setLocalDescription();
        while (pc.iceGatheringState !== 'complete')
          await new Promise((r) =>
            pc.addEventListener('icegatheringstatechange', r, { once: true }),
          );
        return pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
      },
      [i, offer] as const,
    );
    await a.evaluate(([i, answer]) => window.bare.pcs[i]?.setRemoteDescription(answer), [
      i,
      answer,
    ] as const);
  }
  for (const page of [a, b])
    await page
      .waitForFunction(
        () => Object.values(window.bare.channels).every((ch) => ch.readyState === 'open'),
        null,
        { timeout: 10_000 },
      )
      .catch(async (error: unknown) => {
        const states = await page.evaluate(() => window.bare.pcs.map((pc) => pc.connectionState));
        throw new Error(`channels not open, connections ${states.join(' ')}: ${error}`);
      });
}

/** Runs the stream and the pings for `seconds` on the sending page. */
function send(page: Page, c: SendCase, seconds: number): Promise<void> {
  return page.evaluate(
    ([c, seconds]) =>
      new Promise<void>((done) => {
        const { json, file, raw } = window.bare.channels as Record<string, RTCDataChannel>;
        if (!json || !file || !raw) throw new Error('no channels');
        const now = () => performance.timeOrigin + performance.now();
        const start = performance.now();
        const piece = new ArrayBuffer(c.piece);
        // JSON carries Infinity as null: flat out.
        const rate = c.rate ?? Number.POSITIVE_INFINITY;
        file.bufferedAmountLowThreshold = c.highWater / 2;
        let sent = 0; // bytes queued so far, against what the pace allows by now
        let chunkLeft = 0; // bytes of the current 256 KiB chunk still to queue (burst)
        const tick = () => {
          if (rate === 0) return;
          const allowed = (rate * (performance.now() - start)) / 1000;
          while (file.bufferedAmount < c.highWater) {
            if (c.fill === 'burst' && chunkLeft <= 0) {
              if (allowed - sent < 256 * 1024) return;
              chunkLeft = 256 * 1024;
            }
            if (c.fill === 'smooth' && allowed - sent < c.piece) return;
            file.send(piece);
            sent += c.piece;
            chunkLeft -= c.piece;
          }
        };
        file.onbufferedamountlow = tick;
        const timer = setInterval(tick, 10);
        const pinger = setInterval(() => {
          const t = String(now());
          json.send(t);
          raw.send(t);
        }, 20);
        setTimeout(() => {
          clearInterval(timer);
          clearInterval(pinger);
          file.onbufferedamountlow = null;
          done();
        }, seconds * 1000);
      }),
    [c, seconds] as const,
  );
}

/** The two browsers and their process ids (null when not found in /proc). */
interface Browsers {
  sender: Browser;
  receiver: Browser;
  pids: [number | null, number | null];
}

async function runCase({ sender, receiver, pids }: Browsers, c: SendCase) {
  const browsers = [sender, receiver];
  const [a, b] = await Promise.all(browsers.map((br) => br.newPage()));
  if (!a || !b) throw new Error('no pages');
  try {
    // tsx wraps named functions in __name(), which the page lacks (as in bench/lib/people.ts).
    for (const page of [a, b]) await page.evaluate('globalThis.__name = (f) => f;');
    await connect(a, b, c);
    const before = pids.map((pid) => (pid ? treeCpuSplit(pid) : null));
    const started = performance.now();
    await send(a, c, SECONDS);
    const seconds = (performance.now() - started) / 1000;
    const cpu = pids.map((pid, i) => {
      const from = before[i];
      return pid && from ? cpuSplitPercent(from, treeCpuSplit(pid), seconds) : null;
    });
    await new Promise((r) => setTimeout(r, 500));
    const { pings, received } = await b.evaluate(() => window.bare);
    const oneWay = (on: string) =>
      figures(pings.filter((p) => p.on === on).map((p) => p.t - p.sent));
    return {
      case: c.name,
      streamMBps: Math.round((received / SECONDS / MB) * 100) / 100,
      sameConnection: oneWay('json'),
      ownConnection: oneWay('raw'),
      senderCpu: cpu[0] ?? null,
      receiverCpu: cpu[1] ?? null,
    };
  } finally {
    await a.close();
    await b.close();
  }
}

async function main(): Promise<void> {
  const environment = await startEnvironment({ chromium: true });
  console.log(describeEnvironment(environment));
  // A bare page has no camera permission, so Chromium would hide its host candidates behind mDNS
  // names, which nothing resolves here; the app's pages and the e2e suite connect on plain IPs.
  const tag = `${process.pid}-${Date.now()}`;
  const launch = (role: string) =>
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        ...CHROMIUM_FLAGS,
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        `--lc-bench-${role}=${tag}`,
      ],
    });
  const browsers: Browsers = {
    sender: await launch('sender'),
    receiver: await launch('receiver'),
    pids: [findPid(`--lc-bench-sender=${tag}`), findPid(`--lc-bench-receiver=${tag}`)],
  };
  const only = process.env.CHANNEL_CASES?.split(',');
  const results = [];
  try {
    for (const c of CASES) {
      if (only && !only.some((o) => c.name.includes(o))) continue;
      const r = await runCase(browsers, c);
      console.log(
        `${r.case.padEnd(48)} ${String(r.streamMBps).padStart(5)} MB/s  same p50 ${r.sameConnection.p50} p99 ${r.sameConnection.p99}  own p50 ${r.ownConnection.p50} p99 ${r.ownConnection.p99}`,
      );
      console.log(`  sender CPU ${JSON.stringify(r.senderCpu?.byType)}`);
      console.log(`  receiver CPU ${JSON.stringify(r.receiverCpu?.byType)}`);
      results.push(r);
    }
  } finally {
    await browsers.sender.close();
    await browsers.receiver.close();
  }
  writeResults('channel-latency', finishEnvironment(environment), { seconds: SECONDS, results });
}

await main();
