import type { Locator, Page } from '@playwright/test';
import { expect, type Person } from './fixtures';

export const subtitlesFile = (page: Page): Locator =>
  page.getByLabel('Subtitles file', { exact: true });
/** The subtitle on show over the video. */
export const cue = (page: Page): Locator => page.locator('lc-overlay .cue span');

/** The host picks `srt` as its "Subtitles file" and waits until it says they are shown. */
export async function pickSubtitles(host: Person, name: string, srt: string): Promise<void> {
  const lines = srt.split(/\n\n+/).filter((block) => block.includes('-->')).length;
  await subtitlesFile(host.page).setInputFiles({
    name,
    mimeType: 'application/x-subrip',
    buffer: Buffer.from(srt),
  });
  await expect(host.page.locator('lc-subtitles').getByRole('status')).toHaveText(
    `Subtitles from “${name}” are shown to everyone (${lines === 1 ? '1 line' : `${lines} lines`}).`,
  );
}
