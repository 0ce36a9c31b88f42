import type { Page } from '@playwright/test';
import { SIGNAL_BURST, SIGNAL_RATE_PER_SECOND } from '../client/mesh/peer-link';
import { PEER_MESSAGE_MAX_BYTES } from '../shared/peer-messages';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium';
import { CLIPS, VOICE_TONE } from './clips';
import { expect, type Person, test } from './fixtures';
import { deliverMarker, expectResponsive } from './hostile';
import { joinAsNodePeer } from './node-peer';
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

/** `media` messages in the flood; the link's bucket lets a few dozen a second through. */
const MEDIA_FLOOD = 3000;
/** Rounds of the hostile peer's own offer and candidates again, with requests to renegotiate. */
const RENEGOTIATION_ROUNDS = 200;

test('a hostile member’s media announcements and renegotiation flood are bounded, and the others’ voices go on', async ({
  signUp,
  server,
}) => {
  const people = await Promise.all([signUp('host'), signUp('bob')]);
  const [host, bob] = people;
  const access = await openRoomWith(host, [bob]);
  await withMeter(people);
  await microphone(bob.page).click();
  await expect.poll(() => heard(host.page, bob.name), { timeout: 20_000 }).toBeGreaterThan(AUDIBLE);

  const hostile = await joinAsNodePeer(new URL(server.url), access);
  try {
    const name = hostile.account.username;
    const hostileState = (person: Person) => personItem(person.page, name).locator('.state');
    for (const person of people) {
      await expect(hostileState(person)).toHaveText('connected', { timeout: 15_000 });
    }
    const targets = hostile.members.map((m) => m.peerId);
    const toAll = (data: string): void => {
      for (const peerId of targets) hostile.send(peerId, data);
    };
    const json = (value: unknown): void => toAll(JSON.stringify(value));

    // A renegotiation flood: the connection's own offer and candidates, again and again, and the
    // requests an answering side makes. Each page answers one offer at a time, within its bucket.
    const floodStart = Date.now();
    for (let i = 0; i < RENEGOTIATION_ROUNDS; i += 1) {
      for (const peerId of targets) {
        for (const data of hostile.signalsTo(peerId)) {
          hostile.send(peerId, JSON.stringify({ type: 'signal', data }));
        }
      }
      json({ type: 'signal', data: { type: 'renegotiate', renegotiate: true } });
      json({
        type: 'signal',
        data: { type: 'transceiverRequest', transceiverRequest: { kind: 'audio' } },
      });
    }
    // Malformed and oversized announcements, then announced streams no track ever comes in.
    json({ type: 'media', voice: 123, camera: null });
    json({ type: 'media', voice: 'x'.repeat(65), camera: null });
    json({ type: 'media', voice: '', camera: null });
    json({ type: 'media' });
    json({ type: 'media', voice: 'v', camera: null, pad: 'x'.repeat(PEER_MESSAGE_MAX_BYTES) });
    for (let i = 0; i < MEDIA_FLOOD; i += 1) {
      json({ type: 'media', voice: `no-such-voice-${i}`, camera: i % 2 ? `no-camera-${i}` : null });
    }
    for (const person of people) await expectResponsive(person.page);
    await Promise.all(targets.map((peerId) => hostile.drained(peerId)));
    await deliverMarker(toAll, people, 'voice-marker', 'HOSTILE-VOICE-MARKER');
    const elapsed = (Date.now() - floodStart) / 1000;

    // Each page answered some of the offers (so they were well formed), but not the flood.
    for (const peerId of targets) {
      const answers = hostile.received.filter(
        (r) => r.from === peerId && r.message.type === 'signal' && r.message.data.type === 'answer',
      ).length;
      expect(answers).toBeGreaterThan(0);
      expect(answers).toBeLessThanOrEqual(SIGNAL_BURST + SIGNAL_RATE_PER_SECOND * elapsed);
      expect(answers).toBeLessThan(RENEGOTIATION_ROUNDS / 4);
    }
    // No voice was made up from the announcements, the hostile link is still up (no failed
    // answer tore it down), and the pages answer.
    for (const person of people) {
      await expect(person.page.locator(`audio[aria-label="Voice of ${name}"]`)).toHaveCount(0);
      await expect(personItem(person.page, name)).not.toContainText(/microphone on|muted/);
      await expect(hostileState(person)).toHaveText('connected');
      await expectResponsive(person.page);
    }

    // Voices go on: Bob's is still heard, and the host's own, turned on now, reaches Bob.
    await expect
      .poll(() => heard(host.page, bob.name), { timeout: 20_000 })
      .toBeGreaterThan(AUDIBLE);
    await microphone(host.page).click();
    await expect
      .poll(() => heard(bob.page, host.name), { timeout: 20_000 })
      .toBeGreaterThan(AUDIBLE);
    await expect(personItem(bob.page, host.name)).toContainText('microphone on');
    for (const person of people) expect(person.errors).toEqual([]);
  } finally {
    hostile.close();
  }
});
