import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { openDetails } from './connection-details';
import { expect, test } from './fixtures';
import { withClipPlaying } from './playback';
import { chatLog, expectMesh, sendChat } from './room';
import { cue, pickSubtitles } from './subtitles';

/** One subtitle for the whole clip, so it is on screen whenever axe looks. */
const ONE_CUE = '1\n00:00:00,000 --> 01:00:00,000\nA subtitle, over the picture\n';

/** What axe finds of impact serious or critical on the page as it is, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe finds nothing serious on sign-in and the lobby', async ({ page, signUp }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await seriousViolations(page), 'sign-in').toEqual([]);

  const person = await signUp('lobby');
  expect(await seriousViolations(person.page), 'lobby').toEqual([]);
});

test('axe finds nothing serious in a room, for host and guest, with video, chat, subtitles and the details dialog', async ({
  signUp,
}) => {
  // axe walks two playing rooms: about 40 s quiet, twice that with a core kept busy.
  test.setTimeout(180_000);
  await withClipPlaying(signUp, async (host, ann) => {
    await expectMesh(ann.page, ann, [host]);
    await sendChat(ann.page, 'hello, accessible room');
    await expect(chatLog(host.page)).toContainText('hello, accessible room');
    // The comfort chunk (reactions, player controls) is part of the room as people see it.
    for (const { page } of [host, ann]) {
      await expect(page.getByRole('group', { name: 'Reactions' })).toBeVisible();
    }
    // A subtitle on screen: its text over the picture, and the subtitle controls beside it.
    await pickSubtitles(host, 'whole-clip.srt', ONE_CUE);
    for (const { page } of [host, ann]) {
      await expect(cue(page)).toHaveText('A subtitle, over the picture', { timeout: 15_000 });
    }
    for (const [who, { page }] of [
      ['host', host],
      ['guest', ann],
    ] as const) {
      expect(await seriousViolations(page), `${who}'s room`).toEqual([]);
      await openDetails(page);
      expect(await seriousViolations(page), `${who}'s Connection details`).toEqual([]);
      await page.keyboard.press('Escape');
    }
  });
});
