import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { createRoom, type InitScript, type Person, signUp as signUpPerson } from '../lib/people';
import { findPid, treeCpuSeconds } from '../lib/proc';
import { startServer } from '../lib/server-process';
import { round, summarize } from '../lib/stats';
import { counterClip } from './clip';
import { installProbes } from './probes';

/**
 * bench/room: one host streaming a frame-counter clip to 3 and then 5 guests over loopback, in
 * Debian's Chromium. Measures PIN submit → first remote frame, chat one-way latency,
 * glass-to-glass latency, host CPU per guest and the client's gzip size. Prints the figures
 * and writes bench/results/room.json; never fails on a timing.
 */
const CHAT_MESSAGES = 40;
const FRAME_WINDOW_MS = 8000;
const CPU_WINDOW_MS = 8000;

/**
 * BENCH_ROOM_JITTER_TARGET=0 asks every receiver for that jitter buffer (ms), to compare
 * glass-to-glass with and without it; the app itself leaves the browser's default.
 */
function jitterTargetScript(): InitScript[] {
  const jitterTarget = process.env.BENCH_ROOM_JITTER_TARGET;
  if (jitterTarget === undefined) return [];
  return [
    {
      content: `{
        const Native = RTCPeerConnection;
        window.RTCPeerConnection = class extends Native {
          constructor(config) {
            super(config);
            this.addEventListener('track', (e) => { e.receiver.jitterBufferTarget = ${Number(jitterTarget)}; });
          }
        };
      }`,
    },
  ];
}

const signUp = (browser: Browser, url: string, prefix: string): Promise<Person> =>
  signUpPerson(browser, url, prefix, [installProbes, ...jitterTargetScript()]);

/** Joins and returns ms from pressing "Join room" to the first presented remote frame. */
async function joinAndTimeFirstFrame(
  guest: Person,
  access: { roomId: string; pin: string },
): Promise<number> {
  const { page } = guest;
  await page.getByRole('textbox', { name: 'Room ID' }).fill(access.roomId);
  await page.getByRole('textbox', { name: 'PIN' }).fill(access.pin);
  const pressedAt = await page.evaluate(() => {
    window.lcProbes.watchFirstRemoteFrame();
    return performance.timeOrigin + performance.now();
  });
  await page.getByRole('button', { name: 'Join room' }).click();
  await page.waitForFunction(() => window.lcProbes.firstFrame !== null, null, { timeout: 30_000 });
  const first = await page.evaluate(() => window.lcProbes.firstFrame ?? Number.NaN);
  return first - pressedAt;
}

/**
 * One-way chat latency, and where it goes: `sender` from submit to the data channel's send() on
 * the host, `channel` from there to the guest's onmessage, `receiver` from there to the line in
 * the guest's chat log. `renders` counts each element's Lit updates during the round.
 */
async function chatLatencies(host: Person, guests: Person[]) {
  const people = [host, ...guests];
  await Promise.all(people.map((p) => p.page.evaluate(() => window.lcProbes.watchChat())));
  for (let i = 0; i < CHAT_MESSAGES; i++) {
    await host.page.evaluate(() => window.lcProbes.sendStampedChat());
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const [sender, ...receivers] = await Promise.all(
    people.map((p) => p.page.evaluate(() => window.lcProbes)),
  );
  const sentAt = new Map<number, number>();
  for (const c of sender?.channel ?? []) if (c.way === 'send') sentAt.set(c.sent, c.t);
  const stages = { sender: [...sentAt].map(([sent, t]) => t - sent), channel: [] as number[] };
  const receiver: number[] = [];
  for (const probes of receivers) {
    const received = new Map<number, number>();
    for (const c of probes.channel) {
      const out = sentAt.get(c.sent);
      if (c.way !== 'receive' || out === undefined || received.has(c.sent)) continue;
      received.set(c.sent, c.t);
      stages.channel.push(c.t - out);
    }
    for (const a of probes.chat) {
      const t = received.get(a.sent);
      if (t !== undefined) receiver.push(a.t - t);
    }
  }
  const renders = (probes: typeof sender) =>
    Object.fromEntries(
      Object.entries(probes?.renders ?? {}).map(([tag, r]) => [
        tag,
        { count: r.count, ms: round(r.ms, 1) },
      ]),
    );
  return {
    oneWay: receivers.flatMap((p) => p.chat.map((a) => a.t - a.sent)),
    stages: { ...stages, receiver },
    renders: { host: renders(sender), guest: renders(receivers[0]) },
  };
}

async function glassToGlass(host: Person, guests: Person[]): Promise<number[]> {
  await host.page.evaluate(() => window.lcProbes.logFrames('video'));
  await Promise.all(
    guests.map((g) => g.page.evaluate(() => window.lcProbes.logFrames('video.remote'))),
  );
  await new Promise((r) => setTimeout(r, FRAME_WINDOW_MS));
  const hostFrames = await host.page.evaluate(() => window.lcProbes.frames);
  const shownAt = new Map<number, number>();
  for (const f of hostFrames) if (!shownAt.has(f.n)) shownAt.set(f.n, f.t);
  const out: number[] = [];
  for (const g of guests) {
    const frames = await g.page.evaluate(() => window.lcProbes.frames);
    const seen = new Set<number>();
    for (const f of frames) {
      const hostT = shownAt.get(f.n);
      if (hostT === undefined || seen.has(f.n)) continue;
      seen.add(f.n);
      out.push(f.t - hostT);
    }
  }
  return out;
}

async function hostCpuPercent(hostPid: number): Promise<number> {
  const before = treeCpuSeconds(hostPid);
  await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
  return ((treeCpuSeconds(hostPid) - before) / (CPU_WINDOW_MS / 1000)) * 100;
}

/**
 * Gzip size of every JS chunk; `initial` are those index.html loads, the rest load on demand
 * (the room page once signed in; hls.js only for an .m3u8 URL). `app` is every chunk but hls.js,
 * a third-party player the issue requires for HLS.
 */
function clientGzipBytes() {
  const dir = join('dist', 'client', 'assets');
  const html = readFileSync(join('dist', 'client', 'index.html'), 'utf8');
  const chunks = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((file) => ({
      file,
      initial: html.includes(`/assets/${file}`),
      gzipBytes: gzipSync(readFileSync(join(dir, file)), { level: 9 }).length,
    }));
  const sum = (list: typeof chunks) => list.reduce((n, c) => n + c.gzipBytes, 0);
  return {
    chunks,
    initialGzipBytes: sum(chunks.filter((c) => c.initial)),
    appGzipBytes: sum(chunks.filter((c) => !c.file.startsWith('hls'))),
    allGzipBytes: sum(chunks),
  };
}

function figures(values: number[]) {
  const s = summarize(values);
  return {
    n: s.n,
    p50: round(s.p50, 1),
    p90: round(s.p90, 1),
    p95: round(s.p95, 1),
    p99: round(s.p99, 1),
    max: round(s.max, 1),
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lc-bench-room-'));
  const clip = counterClip(join('bench', '.clips'));
  const server = await startServer({
    DATA_DIR: work,
    BCRYPT_COST: '10',
    STATIC_DIR: 'dist/client',
  });
  const marker = `--lc-bench-host=${process.pid}`;
  const hostBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, marker],
  });
  const guestBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    const hostPid = findPid(marker);
    const host = await signUp(hostBrowser, server.url, 'host');
    const access = await createRoom(host);
    await host.page.getByLabel('Choose video file').setInputFiles(clip);
    await host.page.waitForFunction(() => window.lcProbes.currentTime('video') > 1, null, {
      timeout: 30_000,
    });
    const idleCpu = hostPid ? await hostCpuPercent(hostPid) : Number.NaN;

    const guests: Person[] = [];
    const runs = [];
    // BENCH_ROOM_GUESTS=3 measures one room size only (quicker, for before/after comparisons).
    const sizes = process.env.BENCH_ROOM_GUESTS?.split(',').map(Number) ?? [3, 5];
    for (const size of sizes) {
      const firstFrame: number[] = [];
      while (guests.length < size) {
        const g = await signUp(guestBrowser, server.url, 'guest');
        firstFrame.push(await joinAndTimeFirstFrame(g, access));
        guests.push(g);
      }
      // Let WebRTC ramp the resolution up before measuring steady-state latency.
      await new Promise((r) => setTimeout(r, 3000));
      const chat = await chatLatencies(host, guests);
      const g2g = await glassToGlass(host, guests);
      const cpu = hostPid ? await hostCpuPercent(hostPid) : Number.NaN;
      runs.push({
        guests: size,
        pinToFirstFrameMs: figures(firstFrame),
        chatOneWayMs: figures(chat.oneWay),
        chatStagesMs: {
          sender: figures(chat.stages.sender),
          channel: figures(chat.stages.channel),
          receiver: figures(chat.stages.receiver),
        },
        chatRounds: { messages: CHAT_MESSAGES, renders: chat.renders },
        glassToGlassMs: figures(g2g),
        hostCpuPercent: round(cpu, 1),
        hostCpuPercentPerGuest: round((cpu - idleCpu) / size, 1),
      });
      console.log(JSON.stringify(runs.at(-1)));
    }
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, chromium: hostBrowser.version() },
      hostIdleCpuPercent: round(idleCpu, 1),
      runs,
      client: clientGzipBytes(),
    };
    console.log(JSON.stringify(results, null, 2));
    writeFileSync(
      new URL('../results/room.json', import.meta.url),
      `${JSON.stringify(results, null, 2)}\n`,
    );
  } finally {
    await hostBrowser.close();
    await guestBrowser.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
