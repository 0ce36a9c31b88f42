import type { Locator, Page } from '@playwright/test';
import { DEFAULT_DRIFT_PARAMS } from '../shared/sync/drift-controller';
import { serveClips } from './clip-server';
import { CLIPS } from './clips';
import { expect, type Person } from './fixtures';
import { openRoomWith } from './room';

/** The <video> on show in the player (a source still loading sits hidden beside it). */
export const shownVideo = (page: Page): Locator => page.locator('lc-player video:not([hidden])');

export interface Sample {
  position: number;
  paused: boolean;
  rate: number;
  /** page clock, ms since the epoch: every page here runs on the same machine's clock */
  at: number;
}

export function sample(page: Page): Promise<Sample> {
  return shownVideo(page).evaluate((v: HTMLVideoElement) => ({
    position: v.currentTime,
    paused: v.paused,
    rate: v.playbackRate,
    at: performance.timeOrigin + performance.now(),
  }));
}

/** The host types a video URL and loads it for everyone. */
export async function loadUrl(host: Person, url: string): Promise<void> {
  await host.page.getByRole('textbox', { name: 'Video URL' }).fill(url);
  await host.page.getByRole('button', { name: 'Load URL' }).click();
}

/** Where a sampled player is at the instant `at`, in seconds (had it played on untouched). */
export const positionAt = (s: Sample, at: number): number =>
  s.paused ? s.position : s.position + ((at - s.at) / 1000) * s.rate;

/**
 * The largest gap, s, between the host's position and any guest's at one common instant `at`
 * (the host's sample time, on the machine's clock all pages share).
 */
export async function gapNow(
  host: Person,
  guests: readonly Person[],
): Promise<{ gap: number; at: number }> {
  const [h, ...g] = await Promise.all([host, ...guests].map((p) => sample(p.page)));
  if (!h) throw new Error('no host sample');
  const at = h.at;
  return { gap: Math.max(...g.map((s) => Math.abs(positionAt(s, at) - positionAt(h, at)))), at };
}

export async function largestGap(host: Person, guests: readonly Person[]): Promise<number> {
  return (await gapNow(host, guests)).gap;
}

/**
 * How long a wait for players to start or to come together may take: a machine with a core kept
 * busy starves the players for seconds; a quiet one converges in one or two.
 */
export const STARVED_WAIT_MS = 30_000;

/** Waits until everyone's player is running and within 0.2 s of the host's. */
export async function expectPlayingTogether(
  host: Person,
  guests: readonly Person[],
  timeout = STARVED_WAIT_MS,
): Promise<void> {
  for (const person of [host, ...guests]) {
    await expect
      .poll(() => sample(person.page).then((s) => !s.paused && s.position > 0.3), {
        timeout,
        message: `${person.name}'s player is playing`,
      })
      .toBe(true);
  }
  await expect.poll(() => largestGap(host, guests), { timeout }).toBeLessThan(0.2);
}

/** Waits until everyone's player is paused within 0.1 s of where the host's stopped. */
export async function expectPausedTogether(host: Person, guests: readonly Person[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const all = await Promise.all([host, ...guests].map((p) => sample(p.page)));
        return all.every((s) => s.paused)
          ? await largestGap(host, guests)
          : Number.POSITIVE_INFINITY;
      },
      { timeout: STARVED_WAIT_MS },
    )
    .toBeLessThan(0.1);
}

/**
 * Waits until every guest's player runs at the host's playback rate, and returns it. A guest's
 * drift controller may hold a small nudge on top (the host's media clock need not run at exactly
 * its nominal rate), so "at the host's rate" means within the largest nudge of it.
 */
export async function expectHostRate(host: Person, guests: readonly Person[]): Promise<number> {
  const rate = (await sample(host.page)).rate;
  await expect
    .poll(
      async () =>
        (await Promise.all(guests.map((g) => sample(g.page)))).map(
          (s) => Math.abs(s.rate / rate - 1) <= DEFAULT_DRIFT_PARAMS.maxNudge,
        ),
      { timeout: 15_000 },
    )
    .toEqual(guests.map(() => true));
  return rate;
}

/**
 * A host and one guest in a room, playing the minute-long blue clip by URL together, for
 * `body`; the clip server closes after it.
 */
export async function withClipPlaying(
  signUp: (name: string) => Promise<Person>,
  body: (host: Person, guest: Person) => Promise<void>,
): Promise<void> {
  const clips = await serveClips();
  try {
    const [host, guest] = await Promise.all([signUp('host'), signUp('ann')]);
    await openRoomWith(host, [guest]);
    await loadUrl(host, clips.url(CLIPS.blue.file));
    await expectPlayingTogether(host, [guest]);
    await body(host, guest);
  } finally {
    await clips.close();
  }
}
