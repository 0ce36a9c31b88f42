import type { Page } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium';
import { CLIPS, VOICE_TONE } from './clips';
import { expect, type Person, test } from './fixtures';
import { shownVideo } from './playback';
import { openRoomWith, peopleList, streamFile } from './room';

// This spec's browser has fake devices: a camera's test pattern and the tone as the microphone.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${VOICE_TONE}`,
    ],
  },
});

/** A remote voice's loudest RMS over half a second, measured on what `page` receives. */
async function heard(page: Page, name: string): Promise<number> {
  const voice = page.locator(`audio[aria-label="Voice of ${name}"]`);
  if ((await voice.count()) === 0) return 0;
  return voice.evaluate(async (el: HTMLAudioElement) => {
    // Kept on the page, so the same stream can be measured after the element is gone.
    (window as unknown as { lastVoice: MediaStream }).lastVoice = el.srcObject as MediaStream;
    return (window as unknown as { rms(s: MediaStream): Promise<number> }).rms(
      el.srcObject as MediaStream,
    );
  });
}

/** The loudest RMS of the last voice `heard` measured on `page`, whether still shown or not. */
function lastVoiceLevel(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { lastVoice: MediaStream; rms(s: MediaStream): Promise<number> };
    return w.rms(w.lastVoice);
  });
}

/** Installs `rms(stream)` on each page: an analyser's loudest reading over 0.5 s. */
async function withMeter(people: Person[]): Promise<void> {
  for (const { page } of people) {
    await page.evaluate(() => {
      (window as unknown as { rms(s: MediaStream): Promise<number> }).rms = async (stream) => {
        const ctx = new AudioContext();
        const analyser = ctx.createAnalyser();
        ctx.createMediaStreamSource(stream).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        let loudest = 0;
        for (let i = 0; i < 10; i += 1) {
          await new Promise((r) => setTimeout(r, 50));
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const x of samples) sum += x * x;
          loudest = Math.max(loudest, Math.sqrt(sum / samples.length));
        }
        await ctx.close();
        return loudest;
      };
    });
  }
}

const microphone = (page: Page) => page.getByRole('button', { name: 'Microphone' });
const camera = (page: Page) => page.getByRole('button', { name: 'Camera' });
const personItem = (page: Page, name: string) =>
  peopleList(page).getByRole('listitem').filter({ hasText: name });

/** Well above silence (an RMS of 0.001 is -60 dBFS), well below the tone. */
const AUDIBLE = 0.01;

test.afterEach(({ server }) => {
  server.resume();
});

test('a guest’s microphone is heard by everyone, marks them speaking and on, ducks the video, and stops when turned off (muted)', async ({
  signUp,
}) => {
  const people = await Promise.all([signUp('host'), signUp('bob'), signUp('carol')]);
  const [host, bob, carol] = people;
  await openRoomWith(host, [bob, carol]);
  await withMeter(people);
  await streamFile(host.page, CLIPS.blue.file);
  const hostVideo = shownVideo(host.page);
  await expect.poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.volume)).toBe(1);

  await expect(microphone(bob.page)).toHaveAttribute('aria-pressed', 'false');
  await microphone(bob.page).click();
  await expect(microphone(bob.page)).toHaveAttribute('aria-pressed', 'true');

  for (const listener of [host, carol]) {
    await expect
      .poll(() => heard(listener.page, bob.name), { timeout: 20_000 })
      .toBeGreaterThan(AUDIBLE);
    await expect(personItem(listener.page, bob.name)).toContainText('speaking', {
      timeout: 10_000,
    });
    // The muted mark, in words: Bob's microphone is on; Carol never turned hers on, so no mark.
    await expect(personItem(listener.page, bob.name)).toContainText('microphone on');
  }
  await expect(personItem(bob.page, bob.name)).toContainText('microphone on');
  for (const person of [host, bob]) {
    await expect(personItem(person.page, carol.name)).not.toContainText(/microphone on|muted/);
  }
  // "Lower the video while people talk" is on by default: the host's video sounds quieter.
  await expect(
    host.page.getByRole('checkbox', { name: 'Lower the video while people talk' }),
  ).toBeChecked();
  await expect.poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.volume)).toBeLessThan(0.5);

  // Carol turns Bob down: only Bob, only for her.
  await carol.page.getByRole('slider', { name: `Volume for ${bob.name}` }).fill('0.2');
  const volumeOf = (page: Page, name: string) =>
    page
      .locator(`audio[aria-label="Voice of ${name}"]`)
      .evaluate((a: HTMLAudioElement) => a.volume);
  await expect.poll(() => volumeOf(carol.page, bob.name)).toBeCloseTo(0.2);
  expect(await volumeOf(host.page, bob.name)).toBe(1);
  await expect(carol.page.getByRole('slider', { name: `Volume for ${host.name}` })).toHaveValue(
    '1',
  );

  await heard(host.page, bob.name);
  await microphone(bob.page).click();
  await expect(microphone(bob.page)).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => lastVoiceLevel(host.page), { timeout: 15_000 }).toBeLessThan(AUDIBLE / 4);
  for (const listener of [host, carol, bob]) {
    const item = personItem(listener.page, bob.name);
    await expect(item).not.toContainText('speaking', { timeout: 10_000 });
    await expect(item).toContainText('muted');
    await expect(item).not.toContainText('microphone on');
  }
  await expect
    .poll(() => hostVideo.evaluate((v: HTMLVideoElement) => v.volume), { timeout: 10_000 })
    .toBe(1);
  for (const person of people) expect(person.errors).toEqual([]);
});

test('with the signalling server stopped, a microphone turned on still reaches everyone', async ({
  signUp,
  server,
}) => {
  const people = await Promise.all([signUp('host'), signUp('bob'), signUp('carol')]);
  const [host, bob, carol] = people;
  await openRoomWith(host, [bob, carol]);
  await withMeter(people);
  server.pause();
  // Carol joined last, so she answers nobody's offer: her track needs the most renegotiation.
  await microphone(carol.page).click();
  for (const listener of [host, bob]) {
    await expect
      .poll(() => heard(listener.page, carol.name), { timeout: 20_000 })
      .toBeGreaterThan(AUDIBLE);
  }
  server.resume();
});

test('a camera turned on gives the others a small video tile', async ({ signUp }) => {
  const people = await Promise.all([signUp('host'), signUp('bob'), signUp('carol')]);
  const [host, bob, carol] = people;
  await openRoomWith(host, [bob, carol]);
  await camera(bob.page).click();
  await expect(camera(bob.page)).toHaveAttribute('aria-pressed', 'true');
  for (const listener of [host, carol]) {
    const tile = listener.page.locator(`video[aria-label="Camera of ${bob.name}"]`);
    await expect
      .poll(() => tile.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 })
      .toBeGreaterThan(0);
  }
  await camera(bob.page).click();
  for (const listener of [host, carol]) {
    await expect(listener.page.locator(`video[aria-label="Camera of ${bob.name}"]`)).toHaveCount(0);
  }
});

test('the host’s shared screen reaches the guests, who read who shares it, and stops cleanly, by its button or the browser’s', async ({
  signUp,
}) => {
  const people = await Promise.all([signUp('host'), signUp('bob')]);
  const [host, bob] = people;
  await openRoomWith(host, [bob]);
  const share = host.page.getByRole('button', { name: 'Share screen' });
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  const guestVideo = bob.page.getByLabel('Video from the host');
  await expect
    .poll(() => guestVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(bob.page.getByLabel('Now playing')).toContainText(
    `${host.name} is sharing their screen`,
  );

  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  const idle = bob.page.getByText('The host has not chosen a video yet.');
  await expect(idle).toBeVisible({ timeout: 15_000 });

  // Shared again, then stopped with the browser's own "Stop sharing": the browser ends the
  // capture's tracks and fires `ended` on them. track.stop() ends a track without the event, so
  // the test ends it and fires the event as the browser does; the app's own button is not used.
  await share.click();
  await expect(share).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.page.getByLabel('Now playing')).toContainText(
    `${host.name} is sharing their screen`,
    { timeout: 20_000 },
  );
  await shownVideo(host.page).evaluate((v: HTMLVideoElement) => {
    const [track] = (v.srcObject as MediaStream).getVideoTracks();
    if (!track) throw new Error('the host shows no screen');
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await expect(share).toHaveAttribute('aria-pressed', 'false');
  await expect(idle).toBeVisible({ timeout: 15_000 });
  await expect(bob.page.getByText('is sharing their screen')).toHaveCount(0);
  for (const person of people) expect(person.errors).toEqual([]);
});
