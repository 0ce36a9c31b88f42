import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { streamFile } from '../../e2e/room';
import { startBenchServer } from '../lib/app-server';
import { describeEnvironment, finishEnvironment, startEnvironment } from '../lib/environment';
import { createRoom, type InitScript, type Person, signUp as signUpPerson } from '../lib/people';
import { cpuPercent, findPid } from '../lib/proc';
import { type Spread, spread, writeResults } from '../lib/results';
import { figures, round, summarize } from '../lib/stats';
import { CHAT_MESSAGES, chatLatencies } from './chat';
import { counterClip } from './clip';
import { comfortOff, comfortOn, denseSubtitles, REACTION_EVERY_MS } from './comfort';
import { glassToGlass, rtpDelta, snapshot } from './glass-to-glass';
import { installProbes } from './probes';

/**
 * bench/room: one host streaming a frame-counter clip to 3 and then 5 guests over loopback, in
 * Debian's Chromium. Measures PIN submit → first remote frame, chat one-way latency,
 * glass-to-glass latency, host CPU per guest and the client's gzip size, BENCH_ROOM_RUNS
 * times (default 3) with the median and range of each figure. Prints the figures with the
 * machine they ran on and writes bench/results/room.json; never fails on a timing.
 *
 * BENCH_ROOM_COMFORT=1 adds, at each room size of each run, the same chat round, glass-to-glass
 * window and host CPU window with subtitles and reactions on (issue 14): the host shows a
 * subtitles file with a cue every 0.5 s for the whole clip, and each guest presses a reaction
 * every 0.5 s (the rate a receiver lets through) throughout. Odd runs measure "on" before the
 * plain figures, even runs after, so drift within a run (the jitter buffer settling) does not
 * side with either. Prints both side by side with each run's difference, and writes
 * bench/results/room-comfort.json instead (room.json keeps the plain run's figures).
 */
/** From the last join to the chat round and the frame window (see warmUp). */
const WARMUP_MS = 30_000;
const CPU_WINDOW_MS = 8000;
/** Long enough that the clip never ends during a run, whose sizes take about 2 minutes each. */
const CLIP_SECONDS = 360;

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

/**
 * BENCH_ROOM_SENDER='{"codec":"video/H264","maxBitrate":800000,...}' tries sender settings
 * from the bench alone: codec order on every video transceiver before each offer or answer,
 * encoding parameters and the track's contentHint once a video sender exists. `"noAudio":true`
 * sends no audio, which leaves the receivers nothing to sync video to (video-only latency).
 */
function senderScript(): InitScript[] {
  const raw = process.env.BENCH_ROOM_SENDER;
  if (raw === undefined) return [];
  return [
    {
      content: `{
        const cfg = ${JSON.stringify(JSON.parse(raw))};
        const P = RTCPeerConnection.prototype;
        const prefer = (pc) => {
          if (!cfg.codec) return;
          const caps = RTCRtpReceiver.getCapabilities('video').codecs;
          const first = caps.filter((c) => c.mimeType === cfg.codec);
          const rest = caps.filter((c) => c.mimeType !== cfg.codec);
          for (const t of pc.getTransceivers()) {
            if (t.receiver.track.kind === 'video') try { t.setCodecPreferences([...first, ...rest]); } catch (e) { console.log('codec', e.message); }
          }
        };
        for (const name of ['createOffer', 'createAnswer']) {
          const orig = P[name];
          P[name] = function (...a) { prefer(this); return orig.apply(this, a); };
        }
        const srd = P.setRemoteDescription;
        P.setRemoteDescription = async function (...a) {
          const r = await srd.apply(this, a);
          for (const s of this.getSenders()) {
            if (cfg.noAudio && s.track?.kind === 'audio') await s.replaceTrack(null);
            if (s.track?.kind !== 'video') continue;
            if (cfg.contentHint) s.track.contentHint = cfg.contentHint;
            const p = s.getParameters();
            if (!p.encodings?.length) continue;
            for (const k of ['maxBitrate', 'maxFramerate', 'scaleResolutionDownBy']) if (cfg[k] !== undefined) p.encodings[0][k] = cfg[k];
            if (cfg.degradationPreference) p.degradationPreference = cfg.degradationPreference;
            await s.setParameters(p).catch((e) => console.log('params', e.message));
          }
          return r;
        };
      }`,
    },
  ];
}

const signUp = (browser: Browser, url: string, prefix: string): Promise<Person> =>
  signUpPerson(browser, url, prefix, [installProbes, ...jitterTargetScript(), ...senderScript()]);

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
 * Waits WARMUP_MS from the last join and logs, per second, the first guest's video jitter
 * buffer target: the receiver's audio/video sync raises it step by step for about 20 s
 * after a join (see docs/benchmarks.md), and a window inside that climb measures the climb.
 */
async function warmUp(guests: Person[], since: number): Promise<Array<number | null>> {
  const series: Array<number | null> = [];
  const [first] = guests;
  if (!first) return series;
  let last = (await snapshot([first]))[0];
  while (Date.now() - since < WARMUP_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = (await snapshot([first]))[0];
    if (last && next) series.push(rtpDelta(last, next).jitterBufferTargetMs);
    last = next;
  }
  return series;
}

/**
 * Gzip size of every JS chunk against issue 11's budgets. `firstPage`: what index.html loads (its
 * scripts and what they import statically). `room`: that plus the room page's chunk and its static
 * imports, i.e. everything a person in a room with chat and a streamed file has loaded; chunks a
 * particular source kind fetches on demand (hls.js, the YouTube player, the own-copy check) are
 * not in it. KB here is 1024 bytes. Printed, and recorded with the results.
 */
function clientGzipBytes() {
  const FIRST_PAGE_BUDGET_BYTES = 25 * 1024;
  const ROOM_BUDGET_BYTES = 60 * 1024;
  const dir = join('dist', 'client', 'assets');
  const html = readFileSync(join('dist', 'client', 'index.html'), 'utf8');
  const chunks = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const code = readFileSync(join(dir, file), 'utf8');
      // Static imports only (`import{…}from"./x.js"`, `import"./x.js"`), never `import(…)`.
      const imports = [
        ...code.matchAll(/\bimport\s*(?:[^"'`()]*?\bfrom\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g),
      ];
      return {
        file,
        initial: html.includes(`/assets/${file}`),
        imports: imports.map((m) => m[1] as string),
        gzipBytes: gzipSync(code, { level: 9 }).length,
      };
    });
  const byFile = new Map(chunks.map((c) => [c.file, c]));
  const closure = (start: string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file) || !byFile.has(file)) return;
      seen.add(file);
      for (const next of byFile.get(file)?.imports ?? []) visit(next);
    };
    for (const file of start) visit(file);
    return seen;
  };
  const sum = (files: Set<string>) =>
    [...files].reduce((n, f) => n + (byFile.get(f)?.gzipBytes ?? 0), 0);
  const firstPage = closure(chunks.filter((c) => c.initial).map((c) => c.file));
  const roomEntry = chunks.filter((c) => c.file.startsWith('lc-room-')).map((c) => c.file);
  const room = closure([...firstPage, ...roomEntry]);
  const result = {
    chunks: chunks.map(({ imports: _imports, ...c }) => ({
      ...c,
      loaded: firstPage.has(c.file) ? 'first page' : room.has(c.file) ? 'room' : 'on demand',
    })),
    firstPageGzipBytes: sum(firstPage),
    firstPageBudgetBytes: FIRST_PAGE_BUDGET_BYTES,
    roomGzipBytes: sum(room),
    roomBudgetBytes: ROOM_BUDGET_BYTES,
    allGzipBytes: sum(new Set(byFile.keys())),
  };
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const line = (name: string, bytes: number, budget: number) =>
    `${name}: ${kb(bytes)} gzip (budget ${kb(budget)}${bytes > budget ? ', OVER' : ''})`;
  console.log(line('client first page', result.firstPageGzipBytes, FIRST_PAGE_BUDGET_BYTES));
  console.log(
    line('client room (without on-demand chunks)', result.roomGzipBytes, ROOM_BUDGET_BYTES),
  );
  for (const c of result.chunks) console.log(`  ${c.file} (${c.loaded}): ${kb(c.gzipBytes)}`);
  return result;
}

/** The figures of one room size in one run, or why that phase failed. */
type SizeResult = { guests: number; error: string } | ({ guests: number } & SizeFigures);
type SizeFigures = Awaited<ReturnType<typeof measureSize>>;

/** The chat round, the glass-to-glass window and the host's CPU, one after the other. */
async function measureWindows(host: Person, guests: Person[], hostPid: number | null) {
  const chat = await chatLatencies(host, guests);
  const g2g = await glassToGlass(host, guests);
  const cpu = hostPid ? await cpuPercent(hostPid, CPU_WINDOW_MS) : Number.NaN;
  return { chat, g2g, cpu };
}

/** Whether a size also measures with subtitles and reactions on, and then before or after the plain figures. */
type ComfortOrder = 'off' | 'before' | 'after';

/** The same windows with subtitles and reactions on (BENCH_ROOM_COMFORT), then both off again. */
async function measureComfort(
  host: Person,
  guests: Person[],
  hostPid: number | null,
  idleCpu: number,
  subtitles: { text: string; cues: number },
) {
  await comfortOn(host, guests, subtitles);
  const startedAt = Date.now();
  const { chat, g2g, cpu } = await measureWindows(host, guests, hostPid);
  const seconds = (Date.now() - startedAt) / 1000;
  const pressed = await comfortOff(host, guests);
  return {
    subtitleCues: subtitles.cues,
    reactionsPerGuestPerSecond: round(
      pressed.reduce((a, b) => a + b, 0) / guests.length / seconds,
      2,
    ),
    chatOneWayMs: figures(chat.oneWay),
    rawChannelOneWayMs: figures(chat.rawOneWay),
    chatOverheadP99Ms: round(summarize(chat.oneWay).p99 - summarize(chat.rawOneWay).p99, 1),
    chatRenders: chat.renders,
    glassToGlassMs: figures(g2g.all),
    glassToGlassRates: g2g.rates,
    hostCpuPercent: round(cpu, 1),
    hostCpuPercentPerGuest: round((cpu - idleCpu) / guests.length, 1),
  };
}

/** Joins guests up to the room size, warms up, then takes every figure of that size. */
async function measureSize(
  host: Person,
  guests: Person[],
  size: number,
  join: () => Promise<{ guest: Person; firstFrameMs: number }>,
  hostPid: number | null,
  idleCpu: number,
  comfort: ComfortOrder,
  subtitles: { text: string; cues: number },
) {
  const firstFrame: number[] = [];
  while (guests.length < size) {
    const joined = await join();
    firstFrame.push(joined.firstFrameMs);
    guests.push(joined.guest);
  }
  const warmup = await warmUp(guests, Date.now());
  console.log(`guest 1 video jitter buffer target by second of warm-up: ${warmup.join(', ')}`);
  const withComfort = () => measureComfort(host, guests, hostPid, idleCpu, subtitles);
  const comfortBefore = comfort === 'before' ? await withComfort() : undefined;
  const { chat, g2g, cpu } = await measureWindows(host, guests, hostPid);
  const comfortOnFigures = comfortBefore ?? (comfort === 'after' ? await withComfort() : undefined);
  return {
    pinToFirstFrameMs: figures(firstFrame),
    chatOneWayMs: figures(chat.oneWay),
    rawChannelOneWayMs: figures(chat.rawOneWay),
    chatOverheadP99Ms: round(summarize(chat.oneWay).p99 - summarize(chat.rawOneWay).p99, 1),
    chatStagesMs: {
      sender: figures(chat.stages.sender),
      channel: figures(chat.stages.channel),
      receiver: figures(chat.stages.receiver),
    },
    chatRounds: { messages: CHAT_MESSAGES, renders: chat.renders },
    glassToGlassMs: figures(g2g.all),
    glassToGlassStagesMs: {
      capture: figures(g2g.stages.capture),
      network: figures(g2g.stages.network),
      receiver: figures(g2g.stages.receiver),
      senderToReceive: figures(g2g.stages.senderToReceive),
    },
    glassToGlassRates: g2g.rates,
    guestPictureVsHostPsnrDb: figures(g2g.psnr),
    beepMs: {
      hostCaptureToGuestTap: figures(g2g.sound.audioLatency),
      guestVideoAfterAudio: figures(g2g.sound.videoAfterAudio),
      hostVideoAfterCapturedAudio: figures(g2g.sound.hostVideoAfterAudio),
      tapLatency: g2g.sound.tapLatencyMs,
    },
    rtpStats: g2g.stats,
    guest1VideoTargetDelayWarmupMs: warmup,
    hostCpuPercent: round(cpu, 1),
    hostCpuPercentPerGuest: round((cpu - idleCpu) / size, 1),
    ...(comfortOnFigures ? { comfortOrder: comfort, comfortOn: comfortOnFigures } : {}),
  };
}

/**
 * One run: a fresh server, host browser and guest browser; the host streams the clip and the
 * room grows through each size. A size whose phase fails is recorded with its error and ends
 * the run (the room is no longer the size the next phase expects).
 */
async function oneRun(
  clip: string,
  sizes: number[],
  comfort: ComfortOrder,
  subtitles: { text: string; cues: number },
) {
  const { server, stop } = await startBenchServer('room');
  const marker = `--lc-bench-host=${process.pid}-${Date.now()}`;
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
    await streamFile(host.page, clip);
    await host.page.waitForFunction(() => window.lcProbes.currentTime('video') > 1, null, {
      timeout: 30_000,
    });
    const idleCpu = hostPid ? await cpuPercent(hostPid, CPU_WINDOW_MS) : Number.NaN;
    const join = async () => {
      const guest = await signUp(guestBrowser, server.url, 'guest');
      return { guest, firstFrameMs: await joinAndTimeFirstFrame(guest, access) };
    };
    const guests: Person[] = [];
    const sizesDone: SizeResult[] = [];
    for (const size of sizes) {
      try {
        const result = {
          guests: size,
          ...(await measureSize(host, guests, size, join, hostPid, idleCpu, comfort, subtitles)),
        };
        sizesDone.push(result);
        console.log(JSON.stringify(result));
      } catch (error) {
        const message =
          error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        console.log(`the ${size}-guest phase failed: ${message}`);
        sizesDone.push({ guests: size, error: message });
        break;
      }
    }
    return {
      chromium: hostBrowser.version(),
      hostIdleCpuPercent: round(idleCpu, 1),
      sizes: sizesDone,
    };
  } finally {
    await hostBrowser.close();
    await guestBrowser.close();
    await stop();
  }
}

type Run = Awaited<ReturnType<typeof oneRun>>;

/** Per room size, the median and range over the runs of the figures docs/benchmarks.md quotes. */
function acrossRuns(runs: Run[], sizes: number[]) {
  return sizes.map((size) => {
    const ok = runs
      .map((r) => r.sizes.find((s) => s.guests === size))
      .filter((s): s is { guests: number } & SizeFigures => s !== undefined && !('error' in s));
    const pick = (f: (s: SizeFigures) => number) => spread(ok.map(f));
    return {
      guests: size,
      runsMeasured: ok.length,
      pinToFirstFrameP50Ms: pick((s) => s.pinToFirstFrameMs.p50),
      chatOneWayP50Ms: pick((s) => s.chatOneWayMs.p50),
      chatOneWayP99Ms: pick((s) => s.chatOneWayMs.p99),
      chatChannelP99Ms: pick((s) => s.chatStagesMs.channel.p99),
      rawChannelP99Ms: pick((s) => s.rawChannelOneWayMs.p99),
      chatOverheadP99Ms: pick((s) => s.chatOverheadP99Ms),
      glassToGlassP50Ms: pick((s) => s.glassToGlassMs.p50),
      glassToGlassP90Ms: pick((s) => s.glassToGlassMs.p90),
      beepLatencyP50Ms: pick((s) => s.beepMs.hostCaptureToGuestTap.p50),
      encodeMsPerFrame: pick((s) => s.rtpStats.host?.encodeMsPerFrame ?? Number.NaN),
      guestPsnrP50Db: pick((s) => s.guestPictureVsHostPsnrDb.p50),
      sentKbps: pick((s) => s.rtpStats.host?.sentKbps ?? Number.NaN),
      hostCpuPercent: pick((s) => s.hostCpuPercent),
      hostCpuPercentPerGuest: pick((s) => s.hostCpuPercentPerGuest),
    };
  });
}

/**
 * BENCH_ROOM_COMFORT's figures per room size: each one off and on (median [range] over the runs),
 * and on − off within each run, the paired difference, whose range is the noise to judge it by.
 */
function comfortAcrossRuns(runs: Run[], sizes: number[]) {
  return sizes.map((size) => {
    const paired = runs
      .map((r) => r.sizes.find((s) => s.guests === size))
      .flatMap((s) =>
        s !== undefined && !('error' in s) && s.comfortOn ? [{ off: s, on: s.comfortOn }] : [],
      );
    /** A figure both measurements have, off against on. */
    type Shared = Pick<
      SizeFigures,
      'chatOneWayMs' | 'rawChannelOneWayMs' | 'glassToGlassMs' | 'hostCpuPercent'
    >;
    const compare = (figure: (s: Shared) => number) => ({
      off: spread(paired.map((p) => figure(p.off))),
      on: spread(paired.map((p) => figure(p.on))),
      onMinusOff: spread(paired.map((p) => figure(p.on) - figure(p.off))),
    });
    return {
      guests: size,
      runsMeasured: paired.length,
      reactionsPerGuestPerSecond: spread(paired.map((p) => p.on.reactionsPerGuestPerSecond)),
      chatOneWayP50Ms: compare((s) => s.chatOneWayMs.p50),
      chatOneWayP99Ms: compare((s) => s.chatOneWayMs.p99),
      rawChannelP99Ms: compare((s) => s.rawChannelOneWayMs.p99),
      glassToGlassP50Ms: compare((s) => s.glassToGlassMs.p50),
      glassToGlassP90Ms: compare((s) => s.glassToGlassMs.p90),
      hostCpuPercent: compare((s) => s.hostCpuPercent),
    };
  });
}

/** Prints comfortAcrossRuns as one table per room size: figure, off, on, on − off. */
function printComfort(summary: ReturnType<typeof comfortAcrossRuns>): void {
  const show = (s: Spread | null) => (s ? `${s.median} [${s.min}–${s.max}]` : '–');
  for (const size of summary) {
    console.log(
      `subtitles and reactions, ${size.guests} guests, ${size.runsMeasured} runs ` +
        `(${show(size.reactionsPerGuestPerSecond)} reactions a second per guest, ` +
        `one every ${REACTION_EVERY_MS} ms asked): median [range]`,
    );
    console.log('  figure | off | on | on − off, per run');
    for (const [name, figure] of [
      ['chat one-way p50, ms', size.chatOneWayP50Ms],
      ['chat one-way p99, ms', size.chatOneWayP99Ms],
      ['bare channel p99, ms', size.rawChannelP99Ms],
      ['glass-to-glass p50, ms', size.glassToGlassP50Ms],
      ['glass-to-glass p90, ms', size.glassToGlassP90Ms],
      ['host CPU, %', size.hostCpuPercent],
    ] as const) {
      console.log(
        `  ${name} | ${show(figure.off)} | ${show(figure.on)} | ${show(figure.onMinusOff)}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const environment = await startEnvironment({ chromium: true });
  console.log(describeEnvironment(environment));
  const clip = counterClip(join('bench', '.clips'), CLIP_SECONDS);
  // BENCH_ROOM_GUESTS=3 measures one room size only (quicker, for before/after comparisons).
  const sizes = process.env.BENCH_ROOM_GUESTS?.split(',').map(Number) ?? [3, 5];
  const runCount = Number(process.env.BENCH_ROOM_RUNS ?? 3);
  const comfort = process.env.BENCH_ROOM_COMFORT === '1';
  const subtitles = denseSubtitles(CLIP_SECONDS);
  const runs: Run[] = [];
  for (let i = 0; i < runCount; i++) {
    console.log(`run ${i + 1} of ${runCount}`);
    const order: ComfortOrder = !comfort ? 'off' : i % 2 === 0 ? 'before' : 'after';
    runs.push(await oneRun(clip, sizes, order, subtitles));
  }
  const summary = acrossRuns(runs, sizes);
  console.log(JSON.stringify(summary, null, 2));
  const comfortSummary = comfort ? comfortAcrossRuns(runs, sizes) : null;
  if (comfortSummary) printComfort(comfortSummary);
  writeResults(comfort ? 'room-comfort' : 'room', finishEnvironment(environment), {
    ...(comfortSummary ? { comfortSummary } : {}),
    summary,
    runs,
    client: clientGzipBytes(),
  });
}

await main();
