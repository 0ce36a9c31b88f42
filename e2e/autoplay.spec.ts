import { CLIPS } from './clips';
import { expect, test } from './fixtures';
import { createRoom, expectMesh, streamFile } from './room';
import { frameStats, playerVideo } from './video';

/**
 * Headless Chromium here lets every page play with sound (the suite's autoplay flag, and even
 * without it automation pages count as activated), so this stands in for the web's policy:
 * play() with sound is refused until the page has had a real click.
 */
const AUTOPLAY_POLICY = () => {
  let clicked = false;
  addEventListener(
    'pointerdown',
    (e) => {
      if (e.isTrusted) clicked = true;
    },
    true,
  );
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (!this.muted && !clicked) {
      this.pause();
      return Promise.reject(
        new DOMException('play() with sound needs a gesture', 'NotAllowedError'),
      );
    }
    return play.call(this);
  };
};

test('a guest whose browser refuses autoplay with sound gets an Unmute button', async ({
  signUp,
}) => {
  const host = await signUp('host');
  const gus = await signUp('gus');
  const access = await createRoom(host);
  await streamFile(host.page, CLIPS.blue.file);

  // A tab nobody has clicked in yet opens the invite link.
  await gus.page.close();
  const page = await gus.context.newPage();
  await page.addInitScript(AUTOPLAY_POLICY);
  await page.goto(`/room/${access.roomId}#pin=${access.pin}`);
  await expectMesh(page, gus, [host]);

  const unmute = page.getByRole('button', { name: 'Unmute' });
  await expect(unmute).toBeVisible({ timeout: 20_000 });
  // Muted, the picture still plays.
  await expect.poll(async () => (await frameStats(playerVideo(page))).width).toBe(320);
  expect(await playerVideo(page).evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
  await unmute.click();
  await expect(unmute).toBeHidden();
  await expect
    .poll(() => playerVideo(page).evaluate((v: HTMLVideoElement) => !v.muted && !v.paused))
    .toBe(true);
});
