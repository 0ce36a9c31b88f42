import { statSync, writeFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { streamFile } from '../../e2e/room';
import { startBenchServer } from '../lib/app-server';
import { selfTimes } from '../lib/cpu-profile';
import { describeEnvironment, finishEnvironment, startEnvironment } from '../lib/environment';
import { createRoom, type Person, pressJoin, type RoomAccess, signUp } from '../lib/people';
import {
  type CpuSplit,
  cpuPercent,
  cpuSplitPercent,
  findPid,
  treeCpuSeconds,
  treeCpuSplit,
  treePssBytes,
} from '../lib/proc';
import { spread, writeResults } from '../lib/results';
import { figures, round, summarize } from '../lib/stats';
import { chatLatencies } from '../room/chat';
import { installProbes } from '../room/probes';
import { errors, type Point } from '../sync/real-analysis';
import { installSyncProbes } from '../sync/real-probes';
import { bigClip, shareClip } from './clip';
import { installShareProbes } from './probes';

/**
 * bench/share (issue 12): the host shares a 60 s 1280x720 H.264 file of about 4 Mbit/s itself
 * (File sharing: Original quality) with 1, 3 and 5 guests, then streams the same file live to
 * the same room, in Debian's Chromium over loopback. Per room size: host upload against bytes
 * delivered, host CPU per guest, first frame after choosing the file, a guest's seek to frame,
 * chat one-way latency before and during the transfer, sync error; then a guest's memory while
 * it receives a 1 GB file. Prints the figures, writes bench/results/share.json, never fails on
 * a timing.
 */
const CPU_WINDOW_MS = 8000;
/** The shared clip's length (bench/share/clip.ts). */
const FILM_SECONDS = 60;
/** Where a guest seeks everyone to, far ahead of what the prefetch has fetched by then. */
const SEEK_TO_S = 50;
/** Samples within this long after a seek or a first frame are the sync's settling, not its error. */
const SETTLE_MS = 3000;
/** Sync samples of the shared file are taken for at least this long after the seek settles. */
const SYNC_WINDOW_MS = 10_000;
const TRANSFER_TIMEOUT_MS = 150_000;
const MEMORY_WATCH_MS = 45_000;
const MEMORY_AFTER_SEEK_MS = 20_000;
const BIG_FILE_COPIES = 34;

const PROBES = [installProbes, installSyncProbes, installShareProbes];
const person = (browser: Browser, url: string, prefix: string) =>
  signUp(browser, url, prefix, PROBES);
const pageNow = (page: Page) => page.evaluate(() => performance.timeOrigin + performance.now());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  host: Person;
  guests: Person[];
  hostPid: number | null;
  guestPid: number | null;
  close(): Promise<void>;
}

/** A fresh server, a host browser and a browser for the guests, the room made and joined. */
async function setUp(guestCount: number): Promise<Setup> {
  const { server, stop } = await startBenchServer('share');
  const tag = `${process.pid}-${Date.now()}`;
  const hostBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, `--lc-bench-host=${tag}`],
  });
  const guestBrowser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, `--lc-bench-guests=${tag}`],
  });
  const close = async () => {
    await hostBrowser.close();
    await guestBrowser.close();
    await stop();
  };
  try {
    const host = await person(hostBrowser, server.url, 'host');
    const access = await createRoom(host);
    const guests: Person[] = [];
    for (let i = 0; i < guestCount; i++)
      guests.push(await joinAsGuest(guestBrowser, server.url, access));
    if (guestCount > 0) {
      await host.page
        .getByRole('list', { name: 'People' })
        .getByText('connected', { exact: true })
        .nth(guestCount - 1)
        .waitFor({ timeout: 60_000 });
      await host.page.getByRole('checkbox', { name: 'Allow guests to control playback' }).check();
    }
    return {
      host,
      guests,
      hostPid: findPid(`--lc-bench-host=${tag}`),
      guestPid: findPid(`--lc-bench-guests=${tag}`),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function joinAsGuest(browser: Browser, url: string, access: RoomAccess): Promise<Person> {
  const guest = await person(browser, url, 'guest');
  await pressJoin(guest, access);
  await guest.page.waitForURL(`**/room/${access.roomId}`);
  return guest;
}

/** ms from `since` until each page's file video presented its first frame. */
async function firstFrames(pages: Page[], since: number): Promise<number[]> {
  return Promise.all(
    pages.map(async (page) => {
      await page.waitForFunction(() => window.lcShare.firstFrame !== null, null, {
        timeout: 60_000,
      });
      return (await page.evaluate(() => window.lcShare.firstFrame ?? Number.NaN)) - since;
    }),
  );
}

/**
 * The page's main thread between two epoch times: its long tasks (count, total, longest) and
 * how late its 10 ms timer ran (count of lags over 4 ms, longest), in ms.
 */
async function mainThreadIn(page: Page, from: number, to: number) {
  const { tasks, lags } = await page.evaluate(
    ([f, t]) => {
      const inside = ([start]: [number, number]) => start >= f && start <= t;
      return {
        tasks: window.lcShare.longTasks.filter(inside).map(([, d]) => d),
        lags: window.lcShare.lags.filter(inside).map(([, d]) => d),
      };
    },
    [from, to] as const,
  );
  return {
    longTasks: tasks.length,
    longTaskMs: round(
      tasks.reduce((a, b) => a + b, 0),
      0,
    ),
    longestTaskMs: round(Math.max(0, ...tasks), 0),
    timerLags: lags.length,
    timerLagP50Ms: round(summarize(lags).p50, 0),
    longestLagMs: round(Math.max(0, ...lags), 0),
  };
}

/**
 * A CPU profile of a page written to `file` when stopped (open it in DevTools' Performance
 * panel), which returns its heaviest functions by self time. BENCH_SHARE_PROFILE=<file> takes
 * the first guest's while chat is timed during the transfer; BENCH_SHARE_HOST_PROFILE=<file> the
 * host's from the choice of the file to the last guest's full bar.
 */
async function startProfile(person: Person | undefined, file: string, intervalUs: number) {
  if (!person) return null;
  const cdp = await person.page.context().newCDPSession(person.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return selfTimes(profile);
  };
}

/** Waits until every guest's "Received" bar is full; false when the time ran out. */
async function allReceived(guests: Person[]): Promise<boolean> {
  try {
    await Promise.all(
      guests.map((g) =>
        g.page.waitForFunction(
          () => {
            const find = (root: Document | ShadowRoot): HTMLProgressElement | null => {
              const bar = root.querySelector('progress');
              if (bar) return bar;
              for (const el of Array.from(root.querySelectorAll('*'))) {
                const found = el.shadowRoot ? find(el.shadowRoot) : null;
                if (found) return found;
              }
              return null;
            };
            const bar = find(document);
            return bar !== null && bar.max > 0 && bar.value === bar.max;
          },
          null,
          { timeout: TRANSFER_TIMEOUT_MS, polling: 500 },
        ),
      ),
    );
    return true;
  } catch {
    return false;
  }
}

type Drained = ReturnType<Window['lcSync']['drain']>;
const points = (d: Drained): Point[] =>
  d.positions
    .filter(([, , paused, seeking]) => !paused && !seeking)
    .map(([t, pos]) => ({ t, pos }));

/** Each guest's |position − host's| (ms) at its samples inside the windows. */
function syncErrorsMs(
  host: Drained,
  guests: Drained[],
  windows: Array<[number, number]>,
): number[] {
  const hostPoints = points(host);
  return guests.flatMap((g) =>
    errors(points(g), hostPoints, 200)
      .filter((e) => windows.some(([from, to]) => e.t >= from && e.t <= to))
      .map((e) => Math.abs(e.error) * 1000),
  );
}

/** Chat one-way (ms) and, beside it, a bare data channel on a connection of its own. */
async function chatRound(host: Person, guests: Person[]) {
  const chat = await chatLatencies(host, guests);
  return {
    oneWay: chat.oneWay,
    summary: {
      oneWay: figures(chat.oneWay),
      rawChannelOneWay: figures(chat.rawOneWay),
      channelStage: figures(chat.stages.channel),
      receiverStage: figures(chat.stages.receiver),
    },
  };
}

interface AloneCpu {
  /** % of a core, the whole tree. */
  total: number;
  byType: Record<string, number>;
  byThread: Record<string, number>;
}

/** The host alone plays the file: its CPU without anyone to serve (subtracted per guest). */
async function hostAloneCpu(clip: string): Promise<AloneCpu> {
  const setup = await setUp(0);
  try {
    const { host, hostPid } = setup;
    await host.page.getByLabel('Choose video file').setInputFiles(clip);
    await host.page.waitForFunction(() => window.lcProbes.currentTime('video') > 1, null, {
      timeout: 30_000,
    });
    if (!hostPid) return { total: Number.NaN, byType: {}, byThread: {} };
    const before: CpuSplit = treeCpuSplit(hostPid);
    const total = await cpuPercent(hostPid, CPU_WINDOW_MS);
    return { total, ...cpuSplitPercent(before, treeCpuSplit(hostPid), CPU_WINDOW_MS / 1000) };
  } finally {
    await setup.close();
  }
}

/** File sharing with `size` guests, then Live stream to the same room. */
async function measureSize(clip: string, size: number, idle: AloneCpu) {
  const idleCpu = idle.total;
  const setup = await setUp(size);
  try {
    const { host, guests, hostPid } = setup;
    const everyone = [host, ...guests];
    const chatBefore = await chatRound(host, guests);
    await Promise.all(everyone.map((p) => p.page.evaluate(() => window.lcSync.start(50))));

    // File sharing: from choosing the file to every guest holding all of it.
    await Promise.all(guests.map((g) => g.page.evaluate(() => window.lcShare.armFirstFrame())));
    const hostProfile = process.env.BENCH_SHARE_HOST_PROFILE;
    const hostProfiling = hostProfile ? await startProfile(host, hostProfile, 1000) : null;
    const cpuStart = hostPid ? treeCpuSeconds(hostPid) : Number.NaN;
    const splitStart = hostPid ? treeCpuSplit(hostPid) : null;
    const chosenAt = await pageNow(host.page);
    await host.page.getByLabel('Choose video file').setInputFiles(clip);
    const firstFrameMs = await firstFrames(
      guests.map((g) => g.page),
      chosenAt,
    );
    const firstFrameSteps = await Promise.all(
      guests.map((g) =>
        g.page.evaluate(
          (since) =>
            window.lcShare.firstFrameSteps.map(([name, t]) => `${name} ${Math.round(t - since)}`),
          chosenAt,
        ),
      ),
    );
    const playingFrom = chosenAt + Math.max(...firstFrameMs) + SETTLE_MS;
    const chatFrom = await pageNow(host.page);
    const guestProfile = process.env.BENCH_SHARE_PROFILE;
    const profiling = guestProfile ? await startProfile(guests[0], guestProfile, 500) : null;
    const chatDuring = await chatRound(host, guests);
    if (profiling) await profiling();
    const chatTo = await pageNow(host.page);
    const [hostLong, guestLong] = await Promise.all(
      [host, guests[0]].map((p) => p && mainThreadIn(p.page, chatFrom, chatTo)),
    );

    await Promise.all(
      guests.map((g) => g.page.evaluate((t) => window.lcShare.armSeekFrame(t), SEEK_TO_S)),
    );
    const [seeker] = guests;
    if (!seeker) throw new Error('no guest');
    const seekAt = await pageNow(seeker.page);
    await seeker.page.getByRole('slider', { name: 'Seek' }).fill(String(SEEK_TO_S));
    // A guest whose frame there is not seen counts as NaN; the phase goes on.
    const seekMs = await Promise.all(
      guests.map(async (g) => {
        await g.page
          .waitForFunction(() => window.lcShare.seekFrame !== null, null, { timeout: 60_000 })
          .catch(() => {});
        return (await g.page.evaluate(() => window.lcShare.seekFrame ?? Number.NaN)) - seekAt;
      }),
    );
    const seen = seekMs.filter(Number.isFinite);
    const settledAt = seekAt + (seen.length ? Math.max(...seen) : 0) + SETTLE_MS;
    const complete = await allReceived(guests);
    const doneAt = await pageNow(host.page);
    const cpuEnd = hostPid ? treeCpuSeconds(hostPid) : Number.NaN;
    const splitEnd = hostPid ? treeCpuSplit(hostPid) : null;
    const hostSelfTimes = hostProfiling ? await hostProfiling() : null;
    const remaining = settledAt + SYNC_WINDOW_MS - doneAt;
    if (remaining > 0) await sleep(remaining);
    const syncEnd = await pageNow(host.page);
    const [hostSync, ...guestSync] = await Promise.all(
      everyone.map((p) => p.page.evaluate(() => window.lcSync.drain())),
    );
    if (!hostSync) throw new Error('no host samples');
    const syncMs = syncErrorsMs(hostSync, guestSync, [
      [playingFrom, seekAt],
      [settledAt, syncEnd],
    ]);
    const [hostBytes, ...guestBytes] = await Promise.all(
      everyone.map((p) => p.page.evaluate(() => window.lcProbes.dataChannelBytes('lc-file'))),
    );
    const delivered = guestBytes.reduce((n, b) => n + b.received, 0);
    const wants = await Promise.all(guests.map((g) => g.page.evaluate(() => window.lcShare.wants)));
    const hostSent = hostBytes?.sent ?? Number.NaN;
    const transferCpu = ((cpuEnd - cpuStart) / ((doneAt - chosenAt) / 1000)) * 100;
    const transferSplit =
      splitStart && splitEnd
        ? cpuSplitPercent(splitStart, splitEnd, (doneAt - chosenAt) / 1000)
        : null;

    // Live stream of the same file to the same room.
    await Promise.all(
      guests.map((g) => g.page.evaluate(() => window.lcProbes.watchFirstRemoteFrame())),
    );
    const liveChosenAt = await pageNow(host.page);
    await streamFile(host.page, clip);
    const liveFirstFrameMs = await Promise.all(
      guests.map(async (g) => {
        await g.page.waitForFunction(() => window.lcProbes.firstFrame !== null, null, {
          timeout: 60_000,
        });
        return (
          (await g.page.evaluate(() => window.lcProbes.firstFrame ?? Number.NaN)) - liveChosenAt
        );
      }),
    );
    const liveChat = await chatRound(host, guests);
    const [liveBefore, ...guestsBefore] = await Promise.all(
      everyone.map((p) => p.page.evaluate(() => window.lcProbes.rtpTotals())),
    );
    const liveCpu = hostPid ? await cpuPercent(hostPid, CPU_WINDOW_MS) : Number.NaN;
    const [liveAfter, ...guestsAfter] = await Promise.all(
      everyone.map((p) => p.page.evaluate(() => window.lcProbes.rtpTotals())),
    );
    const liveSent = (liveAfter?.out.bytesSent ?? 0) - (liveBefore?.out.bytesSent ?? 0);
    const liveDelivered = guestsAfter.reduce(
      (n, a, i) => n + (a.in.bytesReceived ?? 0) - (guestsBefore[i]?.in.bytesReceived ?? 0),
      0,
    );
    const chatP99 = (xs: number[]) => round(summarize(xs).p99, 1);
    return {
      guests: size,
      share: {
        transferComplete: complete,
        transferSeconds: round((doneAt - chosenAt) / 1000, 1),
        hostUploadBytes: hostSent,
        deliveredToGuestsBytes: delivered,
        hostUploadPerDelivered: round(hostSent / delivered, 3),
        // Bytes beyond one copy per guest (chunks that came twice), and the wants behind them.
        deliveredBeyondCopies: delivered - size * statSync(clip).size,
        guestWants: wants,
        hostCpuPercent: round(transferCpu, 1),
        hostCpuPercentPerGuest: round((transferCpu - idleCpu) / size, 1),
        // The same extra CPU spread over the film: the host serves each byte once, whatever the pace.
        hostCpuPercentPerGuestOverFilm: round(
          ((transferCpu - idleCpu) * (doneAt - chosenAt)) / 1000 / FILM_SECONDS / size,
          1,
        ),
        // The host browser's CPU during the transfer per process type and thread (% of a core),
        // and the host alone playing the file, per process type, to subtract.
        hostCpuByType: transferSplit?.byType ?? null,
        hostAloneCpuByType: idle.byType,
        hostCpuByThread: transferSplit?.byThread ?? null,
        hostProfileSelfMs: hostSelfTimes,
        firstFrameMs: figures(firstFrameMs),
        firstFrameSteps,
        seekToFrameMs: figures(seen),
        seekFramesNotSeen: seekMs.length - seen.length,
        chat: chatDuring.summary,
        chatP99WorseMs: round(chatP99(chatDuring.oneWay) - chatP99(chatBefore.oneWay), 1),
        mainThreadDuringChat: { host: hostLong, firstGuest: guestLong },
        syncAbsErrorMs: figures(syncMs),
      },
      live: {
        hostUploadPerDelivered: round(liveSent / liveDelivered, 3),
        hostSentKbps: round((liveSent * 8) / CPU_WINDOW_MS, 0),
        hostCpuPercent: round(liveCpu, 1),
        hostCpuPercentPerGuest: round((liveCpu - idleCpu) / size, 1),
        firstFrameMs: figures(liveFirstFrameMs),
        chat: liveChat.summary,
        chatP99WorseMs: round(chatP99(liveChat.oneWay) - chatP99(chatBefore.oneWay), 1),
      },
      chatBefore: chatBefore.summary,
    };
  } finally {
    await setup.close();
  }
}

/**
 * One guest receives a 1 GB file: the memory (Pss) of the guest browser's renderers, which hold
 * its page and its file worker, its JS heap and the ArrayBuffers' bytes its page holds (CDP
 * `Runtime.getHeapUsage`), sampled while it plays from the start and then after a seek to the
 * middle; last, once more after a forced garbage collection, which tells bytes held from bytes
 * the page let go and V8 had not collected yet.
 */
async function guestMemory(file: string) {
  const setup = await setUp(1);
  try {
    const { host, guests, guestPid } = setup;
    const [guest] = guests;
    if (!guest || !guestPid) throw new Error('no guest browser');
    const cdp = await guest.page.context().newCDPSession(guest.page);
    await cdp.send('Performance.enable');
    const samples: Array<{
      s: number;
      rendererMb: number;
      browserMb: number;
      jsHeapMb: number;
      arrayBuffersMb: number;
    }> = [];
    const start = Date.now();
    const sample = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      // backingStorageSize: ArrayBuffers and external strings (Chromium 126 and later).
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { backingStorageSize?: number };
      samples.push({
        s: round((Date.now() - start) / 1000, 0),
        rendererMb: round(treePssBytes(guestPid, '--type=renderer') / 2 ** 20, 0),
        browserMb: round(treePssBytes(guestPid) / 2 ** 20, 0),
        jsHeapMb: round(heap / 2 ** 20, 0),
        arrayBuffersMb: round((usage.backingStorageSize ?? Number.NaN) / 2 ** 20, 0),
      });
    };
    await sample();
    await guest.page.evaluate(() => window.lcShare.armFirstFrame());
    await host.page.getByLabel('Choose video file').setInputFiles(file);
    await firstFrames([guest.page], 0);
    const watch = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        await sample();
        await sleep(2000);
      }
    };
    await watch(MEMORY_WATCH_MS);
    const middle = (60 * BIG_FILE_COPIES) / 2;
    await guest.page.getByRole('slider', { name: 'Seek' }).fill(String(middle));
    await watch(MEMORY_AFTER_SEEK_MS);
    const received = await guest.page.evaluate(() => window.lcProbes.dataChannelBytes('lc-file'));
    const peak = (key: 'rendererMb' | 'browserMb' | 'jsHeapMb' | 'arrayBuffersMb') =>
      Math.max(...samples.map((s) => s[key]));
    const last = samples[samples.length - 1];
    await cdp.send('HeapProfiler.collectGarbage');
    await sleep(2000);
    await sample();
    return {
      fileBytes: statSync(file).size,
      receivedBytes: received.received,
      seekToS: middle,
      peakRendererMb: peak('rendererMb'),
      peakGuestBrowserMb: peak('browserMb'),
      peakJsHeapMb: peak('jsHeapMb'),
      peakArrayBuffersMb: peak('arrayBuffersMb'),
      lastBeforeGc: last,
      afterGc: samples[samples.length - 1],
      samples,
    };
  } finally {
    await setup.close();
  }
}

const failure = (error: unknown) =>
  error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);

async function oneRun(clip: string, sizes: number[]) {
  const alone = await hostAloneCpu(clip);
  console.log(`host alone playing the file: ${round(alone.total, 1)} % CPU`, alone.byType);
  const results = [];
  for (const size of sizes) {
    try {
      const result = await measureSize(clip, size, alone);
      console.log(JSON.stringify(result));
      results.push(result);
    } catch (error) {
      console.log(`the ${size}-guest phase failed: ${failure(error)}`);
      results.push({ guests: size, error: failure(error) });
    }
  }
  return { hostAloneCpuPercent: round(alone.total, 1), hostAlone: alone, sizes: results };
}

type Run = Awaited<ReturnType<typeof oneRun>>;
type SizeFigures = Awaited<ReturnType<typeof measureSize>>;

/** Per room size, the median and range over the runs of the figures docs/benchmarks.md quotes. */
function acrossRuns(runs: Run[], sizes: number[]) {
  return sizes.map((size) => {
    const ok = runs
      .map((r) => r.sizes.find((s) => s.guests === size))
      .filter((s): s is SizeFigures => s !== undefined && !('error' in s));
    const pick = (f: (s: SizeFigures) => number) => spread(ok.map(f));
    return {
      guests: size,
      runsMeasured: ok.length,
      hostUploadPerDelivered: pick((s) => s.share.hostUploadPerDelivered),
      hostCpuPercentPerGuest: pick((s) => s.share.hostCpuPercentPerGuest),
      hostCpuPercentPerGuestOverFilm: pick((s) => s.share.hostCpuPercentPerGuestOverFilm),
      liveHostCpuPercentPerGuest: pick((s) => s.live.hostCpuPercentPerGuest),
      firstFrameP50Ms: pick((s) => s.share.firstFrameMs.p50),
      liveFirstFrameP50Ms: pick((s) => s.live.firstFrameMs.p50),
      seekToFrameP50Ms: pick((s) => s.share.seekToFrameMs.p50),
      chatP99BeforeMs: pick((s) => s.chatBefore.oneWay.p99),
      chatP99WorseMs: pick((s) => s.share.chatP99WorseMs),
      liveChatP99WorseMs: pick((s) => s.live.chatP99WorseMs),
      syncAbsErrorP95Ms: pick((s) => s.share.syncAbsErrorMs.p95),
      transferSeconds: pick((s) => s.share.transferSeconds),
    };
  });
}

async function main(): Promise<void> {
  const environment = await startEnvironment({ chromium: true });
  console.log(describeEnvironment(environment));
  // BENCH_SHARE_PICTURE=320x180: the same bytes in a sixth of the pixels (see shareClip).
  const picture = process.env.BENCH_SHARE_PICTURE === '320x180' ? '320x180' : '1280x720';
  const clip = shareClip(picture);
  console.log(`clip ${clip}`);
  // BENCH_SHARE_GUESTS=3 measures one room size only; BENCH_SHARE_MEMORY=0 skips the 1 GB file.
  const sizes = process.env.BENCH_SHARE_GUESTS?.split(',').map(Number) ?? [1, 3, 5];
  const runCount = Number(process.env.BENCH_SHARE_RUNS ?? 1);
  const runs: Run[] = [];
  for (let i = 0; i < runCount; i++) {
    console.log(`run ${i + 1} of ${runCount}`);
    runs.push(await oneRun(clip, sizes));
  }
  let memory: Awaited<ReturnType<typeof guestMemory>> | { error: string } | null = null;
  if (process.env.BENCH_SHARE_MEMORY !== '0') {
    memory = await guestMemory(bigClip(clip, BIG_FILE_COPIES)).catch((error: unknown) => ({
      error: failure(error),
    }));
    console.log(JSON.stringify({ ...memory, samples: undefined }));
  }
  const summary = acrossRuns(runs, sizes);
  console.log(JSON.stringify(summary, null, 2));
  writeResults('share', finishEnvironment(environment), { picture, summary, runs, memory });
}

await main();
