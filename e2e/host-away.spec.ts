import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import { formatDuration } from '../client/util/format';
import { serveClips } from './clip-server';
import { CLIPS, SHARE_CLIPS } from './clips';
import { expect, type Person, test } from './fixtures';
import {
  expectPlayingTogether,
  largestGap,
  loadUrl,
  positionAt,
  type Sample,
  STARVED_WAIT_MS,
  sample,
  shownVideo,
} from './playback';
import {
  chatLog,
  createRoom,
  expectMesh,
  joinRoom,
  openRoomWith,
  roomStatus,
  sendChat,
  streamFile,
} from './room';
import { expectOriginal, shareFile } from './share';

// Long enough for a host to come back under load, short enough to wait out in the second test.
const GRACE_SECONDS = 15;
test.use({ serverEnv: { HOST_GRACE_SECONDS: String(GRACE_SECONDS) } });

/**
 * The host's browser opens the room URL again in a new tab; without the PIN (session storage
 * went with the closed tab) the lobby offers the host's own room. Resolves when it is entered.
 */
/**
 * The host pauses once its player is past 3 s, and waits until the pause reaches the state its
 * browser keeps for coming back; resolves with where it stopped.
 */
async function pauseAfterThreeSeconds(page: Page): Promise<number> {
  await expect
    .poll(() => sample(page).then((s) => s.position), { timeout: 20_000 })
    .toBeGreaterThan(3);
  await shownVideo(page).evaluate((v: HTMLVideoElement) => v.pause());
  const stopped = (await sample(page)).position;
  await expect
    .poll(() =>
      page.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('lc.host-resume.'))
          .map((k) => (JSON.parse(localStorage.getItem(k) ?? '{}') as { paused?: boolean }).paused),
      ),
    )
    .toEqual([true]);
  return stopped;
}

async function reopen(host: Person, roomId: string): Promise<Person & { enteredAt: number }> {
  const page = await host.context.newPage();
  await page.goto(`/room/${roomId}`);
  const open = page.getByRole('button', { name: `Open room ${roomId}` });
  await open.waitFor();
  const enteredAt = Date.now();
  await open.click();
  return { ...host, page, enteredAt };
}

/**
 * Resolves with the page-clock time (ms since the epoch) at which the page's shown player first
 * plays within 0.3 s of `timeline`, or null after `limitMs`. It watches in the page every 50 ms,
 * since round trips from the test runner take seconds on a busy machine.
 */
function inStepAt(page: Page, timeline: Sample, limitMs: number): Promise<number | null> {
  return page.evaluate(
    ({ t, limitMs }) =>
      new Promise<number | null>((resolve) => {
        const shown = (root: Document | ShadowRoot): HTMLVideoElement | null => {
          for (const el of root.querySelectorAll('*')) {
            if (el instanceof HTMLVideoElement && !el.hidden) return el;
            const inner = el.shadowRoot && shown(el.shadowRoot);
            if (inner) return inner;
          }
          return null;
        };
        const started = performance.now();
        const timer = setInterval(() => {
          const now = performance.timeOrigin + performance.now();
          const target = t.paused ? t.position : t.position + ((now - t.at) / 1000) * t.rate;
          const video = shown(document);
          if (video && !video.paused && Math.abs(video.currentTime - target) < 0.3) {
            clearInterval(timer);
            resolve(now);
          } else if (performance.now() - started > limitMs) {
            clearInterval(timer);
            resolve(null);
          }
        }, 50);
      }),
    { t: timeline, limitMs },
  );
}

test('the host closes its tab and comes back: guests chat and play on, then follow the host again', async ({
  signUp,
}) => {
  const clips = await serveClips();
  try {
    const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
    const guests = [ann, bob];
    const access = await openRoomWith(host, guests);
    await loadUrl(host, clips.url(CLIPS.blue.file));
    await expectPlayingTogether(host, guests);

    await host.page.close();
    for (const guest of guests) {
      await expect(roomStatus(guest.page)).toContainText(
        /The host is away\. The room closes at \d{1,2}:\d{2}.* unless they return/,
      );
    }
    await sendChat(ann.page, 'carrying on without the host');
    await expect(
      chatLog(bob.page).getByRole('listitem').filter({ hasText: 'carrying on without the host' }),
    ).toHaveCount(1);
    // Their players keep going on the host's last timeline, together.
    const before = await Promise.all(guests.map((g) => sample(g.page)));
    await ann.page.waitForTimeout(1500);
    const after = await Promise.all(guests.map((g) => sample(g.page)));
    for (const [i, s] of after.entries()) {
      expect(s.paused).toBe(false);
      expect(s.position - (before[i]?.position ?? 0)).toBeGreaterThan(1);
    }
    expect(await largestGap(ann, [bob])).toBeLessThan(0.2);

    // Tagged, to tell later that the same players played on (none was replaced or restarted).
    for (const guest of guests) {
      await shownVideo(guest.page).evaluate((v: HTMLVideoElement) => {
        v.dataset.kept = 'yes';
      });
    }
    const beforeReturn = await Promise.all(guests.map((g) => sample(g.page)));

    const opened = Date.now();
    const back = await reopen(host, access.roomId);
    // The 5 s count from entering the room; loading the page before is the browser's.
    const timeline = beforeReturn[0];
    if (!timeline) throw new Error('no sample');
    const inStep = await inStepAt(back.page, timeline, 10_000);
    if (inStep === null) throw new Error('the host never got in step with its guests');
    console.log(
      `host in step with its guests ${Math.round(inStep - back.enteredAt)} ms after entering the room (${Math.round(inStep - opened)} ms after opening its URL)`,
    );
    expect(inStep - back.enteredAt).toBeLessThan(5000);
    for (const guest of guests) {
      await expect(roomStatus(guest.page)).not.toContainText('away');
    }
    await expect.poll(() => largestGap(back, guests)).toBeLessThan(0.3);
    // The guests' own players went on along the timeline they had kept: the host took it up,
    // rather than the guests going back to where the host had left (seconds behind).
    for (const [i, guest] of guests.entries()) {
      await expect(shownVideo(guest.page)).toHaveAttribute('data-kept', 'yes');
      const before = beforeReturn[i];
      if (!before) throw new Error('no sample');
      // Polled: a guest starved by a busy machine falls behind for a moment and catches up.
      await expect
        .poll(async () => {
          const after = await sample(guest.page);
          return Math.abs(after.position - positionAt(before, after.at));
        })
        .toBeLessThan(0.3);
    }
    await expectPlayingTogether(back, guests);
    for (const guest of guests) expect(guest.errors).toEqual([]);
  } finally {
    await clips.close();
  }
});

test('a host who does not come back within the grace: the room closes and guests are told why', async ({
  signUp,
}) => {
  test.setTimeout(60_000 + GRACE_SECONDS * 1000);
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const guests = [ann, bob];
  const access = await openRoomWith(host, guests);

  const left = Date.now();
  await host.page.close();
  for (const guest of guests) {
    await expect(roomStatus(guest.page)).toContainText('The room closes at');
  }
  for (const guest of guests) {
    await expect(guest.page).toHaveURL(/\/lobby$/, { timeout: (GRACE_SECONDS + 15) * 1000 });
    await expect(
      guest.page
        .getByRole('status')
        .filter({ hasText: 'The room closed because the host did not come back.' }),
    ).toBeVisible();
  }
  expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
  // Gone from the host's own list of open rooms too.
  const page = await host.context.newPage();
  await page.goto('/lobby');
  await expect(page.getByRole('button', { name: 'Create room' })).toBeVisible();
  await expect(page.getByRole('button', { name: `Open room ${access.roomId}` })).toHaveCount(0);
});

/**
 * The host, back, is asked for the file it was showing at `stopped` (formatted as the app does:
 * on a busy machine the clip may have played past ten seconds before the pause), chooses it with
 * `choose`, and its player stands paused where it stopped.
 */
async function chooseAgain(
  back: Person,
  file: string,
  stopped: number,
  choose: () => Promise<unknown>,
): Promise<void> {
  const prompt = back.page.getByRole('status').filter({ hasText: 'choose it again to continue' });
  await expect(prompt).toContainText(
    `You were showing ${basename(file)} at ${formatDuration(stopped)}`,
  );
  await choose();
  await expect(prompt).toHaveCount(0);
  await expect
    .poll(async () => {
      const s = await sample(back.page);
      return s.paused && Math.abs(s.position - stopped) < 0.1;
    })
    .toBe(true);
}

test('a host streaming a file comes back, is asked for the file again and carries on from there', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(host.page, host, [ann]);
  await streamFile(host.page, CLIPS.blue.file);
  const stopped = await pauseAfterThreeSeconds(host.page);

  await host.page.close();
  // No frozen picture: the guest's player says the host is away.
  await expect(ann.page.getByText('The host is away.', { exact: true })).toBeVisible();

  const back = await reopen(host, access.roomId);
  await chooseAgain(back, CLIPS.blue.file, stopped, () => streamFile(back.page, CLIPS.blue.file));
  await expect(ann.page.getByLabel('Now playing')).toContainText(basename(CLIPS.blue.file));
});

test('a host sharing a file itself comes back, is asked for it again and guests carry on from there', async ({
  signUp,
}) => {
  test.setTimeout(120_000);
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(host.page, host, [ann]);
  const clip = SHARE_CLIPS.mp4;
  await shareFile(host, clip.file);
  await expectOriginal(ann, clip);
  const stopped = await pauseAfterThreeSeconds(host.page);

  await host.page.close();
  const back = await reopen(host, access.roomId);
  await chooseAgain(back, clip.file, stopped, () => shareFile(back, clip.file));
  // The guest gets the file anew and stands where the host does.
  await expectOriginal(ann, clip);
  await expect
    .poll(
      async () => {
        const s = await sample(ann.page);
        return s.paused && Math.abs(s.position - stopped) < 0.2;
      },
      { timeout: STARVED_WAIT_MS },
    )
    .toBe(true);
  for (const person of [back, ann]) expect(person.errors).toEqual([]);
});
