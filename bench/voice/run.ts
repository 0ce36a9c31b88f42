import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { ensureVoiceTone, VOICE_TONE } from '../../e2e/clips';
import { streamFile } from '../../e2e/room';
import { startBenchServer } from '../lib/app-server';
import { describeEnvironment, finishEnvironment, startEnvironment } from '../lib/environment';
import { createRoom, type Person, pressJoin, signUp } from '../lib/people';
import { cpuPercent, findPid } from '../lib/proc';
import { spread, writeResults } from '../lib/results';
import { figures, round } from '../lib/stats';
import { chatLatencies } from '../room/chat';
import { counterClip } from '../room/clip';
import { glassToGlass } from '../room/glass-to-glass';
import { installProbes } from '../room/probes';
import { installSyntheticMic } from './mic';

/**
 * bench/voice: five people in one room, each a context of one headless Chromium with fake
 * devices, on loopback. Measures mouth-to-ear latency (a burst into one person's synthetic
 * microphone, heard by the four others), the browser's CPU per voice, and, with the host's movie
 * streaming live, chat latency and glass-to-glass with everyone's voice off and then on, in the
 * same run. BENCH_VOICE_RUNS runs (default 1, about 5 minutes each). Prints the figures and
 * writes bench/results/voice.json; never fails on a timing.
 */
const PEOPLE = 5;
const BURSTS = 25;
/** Longer than the tap's 0.3 s quiet gap, so each burst is an onset of its own. */
const BURST_GAP_MS = 400;
const CPU_WINDOW_MS = 8000;
/** From the movie's start to its first figures: receivers' video delay climbs for ~20 s. */
const MOVIE_WARMUP_MS = 20_000;
/** From everyone's microphone on to the figures. */
const VOICE_WARMUP_MS = 8000;
const WAIT_MS = 30_000;
/** Share of all cores past which the browser is taken to be out of CPU. */
const SATURATED = 0.9;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let phaseStart = Date.now();
/** Says where a run is, so a slow machine shows which phase takes the time. */
function phase(name: string): void {
  const now = Date.now();
  console.log(
    `[${new Date(now).toISOString().slice(11, 19)}] ${name} (+${round((now - phaseStart) / 1000, 0)} s)`,
  );
  phaseStart = now;
}

const voiceOf = (listener: Person, speaker: Person) =>
  listener.page.locator(`audio[aria-label="Voice of ${speaker.name}"]`);

/** Every page lists everyone else as connected. */
async function waitForMesh(people: Person[]): Promise<void> {
  for (const { page } of people) {
    const connected = page.getByRole('list', { name: 'People' }).locator('.state.connected');
    const end = Date.now() + WAIT_MS;
    while ((await connected.count()) < people.length - 1) {
      if (Date.now() > end) throw new Error('the mesh did not connect');
      await sleep(200);
    }
  }
}

/** Presses Microphone until it says `on`, then waits until every other person has the voice. */
async function setMicrophone(person: Person, on: boolean, people: Person[]): Promise<void> {
  const button = person.page.getByRole('button', { name: 'Microphone' });
  if ((await button.getAttribute('aria-pressed')) !== String(on)) await button.click();
  await person.page
    .locator(`button[aria-pressed="${on}"]`, { hasText: 'Microphone' })
    .waitFor({ timeout: WAIT_MS });
  for (const listener of people) {
    if (listener === person) continue;
    await voiceOf(listener, person).waitFor({
      state: on ? 'attached' : 'detached',
      timeout: WAIT_MS,
    });
  }
}

/**
 * Mouth-to-ear: the speaker's synthetic microphone bursts; a Web Audio tap on the microphone's
 * own stream and one on each listener's received voice log onsets on one clock (every page
 * reads performance.timeOrigin + performance.now()). The two taps are alike, so their own
 * buffering cancels: what is left is encode, packetization, the wire, jitter buffer and decode.
 */
async function mouthToEar(speaker: Person, listeners: Person[]) {
  // The receivers' jitter buffers settle on the first bursts.
  for (let i = 0; i < 3; i++) {
    await speaker.page.evaluate(() => window.lcMic.burst());
    await sleep(BURST_GAP_MS);
  }
  await speaker.page.evaluate(() => window.lcProbes.logBeepsIn(window.lcMic.stream()));
  for (const listener of listeners) {
    await voiceOf(listener, speaker).evaluate((el: HTMLAudioElement) =>
      window.lcProbes.logBeepsIn(el.srcObject as MediaStream),
    );
  }
  for (let i = 0; i < BURSTS; i++) {
    await speaker.page.evaluate(() => window.lcMic.burst());
    await sleep(BURST_GAP_MS);
  }
  await sleep(1000);
  const sent = await speaker.page.evaluate(() => window.lcProbes.beeps);
  const latencies: number[] = [];
  for (const listener of listeners) {
    for (const heard of await listener.page.evaluate(() => window.lcProbes.beeps)) {
      const from = sent.filter((t) => t <= heard && t > heard - BURST_GAP_MS).at(-1);
      if (from !== undefined) latencies.push(heard - from);
    }
  }
  console.log(`mouth-to-ear: ${sent.length} bursts sent, ${latencies.length} heard`);
  // A tap on a starved main thread misses bursts: how many each side saw says how far to trust it.
  return { ms: figures(latencies), burstsTappedAtSpeaker: sent.length, heard: latencies.length };
}

/** Chat, glass-to-glass and the browser's CPU while the movie streams. */
async function roomFigures(host: Person, guests: Person[], pid: number | null) {
  const chat = await chatLatencies(host, guests);
  const g2g = await glassToGlass(host, guests);
  const cpu = pid ? await cpuPercent(pid, CPU_WINDOW_MS) : Number.NaN;
  return {
    chatOneWayMs: figures(chat.oneWay),
    glassToGlassMs: figures(g2g.all),
    browserCpuPercent: round(cpu, 1),
  };
}

async function launch(marker: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${VOICE_TONE}`,
      marker,
    ],
  });
}

async function oneRun(clip: string) {
  const { server, stop } = await startBenchServer('voice');
  const marker = `--lc-bench-voice=${process.pid}-${Date.now()}`;
  const browser = await launch(marker);
  const started = Date.now();
  try {
    const pid = findPid(marker);
    const people: Person[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const prefix = i === 0 ? 'host' : 'guest';
      people.push(await signUp(browser, server.url, prefix, [installProbes, installSyntheticMic]));
    }
    const [host, speaker, ...rest] = people;
    if (!host || !speaker) throw new Error('no people');
    const guests = [speaker, ...rest];
    phase('signed up');
    const access = await createRoom(host);
    for (const guest of guests) await pressJoin(guest, access);
    await waitForMesh(people);
    phase('mesh up');
    const listeners = people.filter((p) => p !== speaker);

    // A quiet room: no movie. One voice for the latency, then all five for the CPU.
    await sleep(3000); // the room's on-demand chunks arrive and settle first
    const idleCpu = pid ? await cpuPercent(pid, CPU_WINDOW_MS) : Number.NaN;
    await speaker.page.evaluate(() => window.lcMic.use());
    await setMicrophone(speaker, true, people);
    const quietLatency = await mouthToEar(speaker, listeners);
    phase('quiet mouth-to-ear');
    const oneVoiceCpu = pid ? await cpuPercent(pid, CPU_WINDOW_MS) : Number.NaN;
    for (const person of listeners) await setMicrophone(person, true, people);
    await sleep(VOICE_WARMUP_MS);
    const voicesCpu = pid ? await cpuPercent(pid, CPU_WINDOW_MS) : Number.NaN;
    phase('five voices');
    for (const person of people) await setMicrophone(person, false, people);

    // The movie streams live: voices off, then on, in the same room.
    await streamFile(host.page, clip);
    await host.page.waitForFunction(() => window.lcProbes.currentTime('video') > 1, null, {
      timeout: WAIT_MS,
    });
    phase('movie playing');
    await sleep(MOVIE_WARMUP_MS);
    const voiceOff = await roomFigures(host, guests, pid);
    phase('voices off measured');
    for (const person of people) await setMicrophone(person, true, people);
    await sleep(VOICE_WARMUP_MS);
    const voiceOn = await roomFigures(host, guests, pid);
    phase('voices on measured');
    const loadedLatency = await mouthToEar(speaker, listeners);

    const result = {
      chromium: browser.version(),
      seconds: round((Date.now() - started) / 1000, 0),
      quiet: {
        mouthToEar: quietLatency,
        browserCpuIdlePercent: round(idleCpu, 1),
        browserCpuOneVoicePercent: round(oneVoiceCpu, 1),
        browserCpuFiveVoicesPercent: round(voicesCpu, 1),
        cpuPercentPerVoicePeer: round((voicesCpu - idleCpu) / PEOPLE, 1),
      },
      movie: {
        voiceOff,
        voiceOn,
        mouthToEar: loadedLatency,
        cpuPercentPerVoicePeer: round(
          (voiceOn.browserCpuPercent - voiceOff.browserCpuPercent) / PEOPLE,
          1,
        ),
        /** The browser used (nearly) every core: the voice-on figures measure a machine out of CPU. */
        saturated: voiceOn.browserCpuPercent >= SATURATED * availableParallelism() * 100,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await browser.close();
    await stop();
  }
}

type Run = Awaited<ReturnType<typeof oneRun>>;

function acrossRuns(runs: Run[]) {
  const pick = (f: (r: Run) => number) => spread(runs.map(f));
  return {
    runs: runs.length,
    quietMouthToEarP50Ms: pick((r) => r.quiet.mouthToEar.ms.p50),
    quietMouthToEarP95Ms: pick((r) => r.quiet.mouthToEar.ms.p95),
    movieMouthToEarP50Ms: pick((r) => r.movie.mouthToEar.ms.p50),
    movieMouthToEarP95Ms: pick((r) => r.movie.mouthToEar.ms.p95),
    quietCpuPercentPerVoicePeer: pick((r) => r.quiet.cpuPercentPerVoicePeer),
    movieCpuPercentPerVoicePeer: pick((r) => r.movie.cpuPercentPerVoicePeer),
    chatP99VoiceOffMs: pick((r) => r.movie.voiceOff.chatOneWayMs.p99),
    chatP99VoiceOnMs: pick((r) => r.movie.voiceOn.chatOneWayMs.p99),
    glassToGlassP50VoiceOffMs: pick((r) => r.movie.voiceOff.glassToGlassMs.p50),
    glassToGlassP50VoiceOnMs: pick((r) => r.movie.voiceOn.glassToGlassMs.p50),
    glassToGlassP90VoiceOffMs: pick((r) => r.movie.voiceOff.glassToGlassMs.p90),
    glassToGlassP90VoiceOnMs: pick((r) => r.movie.voiceOn.glassToGlassMs.p90),
  };
}

async function main(): Promise<void> {
  const environment = await startEnvironment({ chromium: true });
  console.log(describeEnvironment(environment));
  ensureVoiceTone();
  const clip = counterClip(join('bench', '.clips'), 360);
  const runCount = Number(process.env.BENCH_VOICE_RUNS ?? 1);
  const runs: Run[] = [];
  for (let i = 0; i < runCount; i++) {
    console.log(`run ${i + 1} of ${runCount}`);
    runs.push(await oneRun(clip));
  }
  const summary = acrossRuns(runs);
  console.log(JSON.stringify(summary, null, 2));
  writeResults('voice', finishEnvironment(environment), { summary, runs });
}

await main();
