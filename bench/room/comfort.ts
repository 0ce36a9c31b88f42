import type { Person } from '../lib/people';

/** A subtitle every CUE_EVERY_S seconds, the densest a real file gets (fast dialogue). */
export const CUE_EVERY_S = 0.5;
/** Each guest's reactions: one every this many ms, the rate a receiver lets through (2 a second). */
export const REACTION_EVERY_MS = 500;

/** SRT text with a cue every CUE_EVERY_S for `seconds`, each a line of ordinary length. */
export function denseSubtitles(seconds: number): { text: string; cues: number } {
  const cues = Math.floor(seconds / CUE_EVERY_S);
  const stamp = (s: number) => {
    const ms = Math.round(s * 1000);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
  };
  const blocks = Array.from(
    { length: cues },
    (_, i) =>
      `${i + 1}\n${stamp(i * CUE_EVERY_S)} --> ${stamp((i + 1) * CUE_EVERY_S)}\n` +
      `Line ${i}: the quick brown fox jumps\nover the lazy dog, again and again\n`,
  );
  return { text: blocks.join('\n'), cues };
}

declare global {
  interface Window {
    /** The bench's reaction timer in a guest's page, and how many reactions it pressed. */
    lcBenchReactions?: { timer: ReturnType<typeof setInterval>; pressed: number };
  }
}

/**
 * Subtitles and reactions on: the host picks the dense subtitles file and waits until every
 * guest has all of it and shows a cue; then each guest presses a reaction button every
 * REACTION_EVERY_MS, cycling through the emoji, until comfortOff.
 */
export async function comfortOn(
  host: Person,
  guests: Person[],
  subtitles: { text: string; cues: number },
): Promise<void> {
  await host.page.getByLabel('Subtitles file', { exact: true }).setInputFiles({
    name: 'dense.srt',
    mimeType: 'application/x-subrip',
    buffer: Buffer.from(subtitles.text),
  });
  const timeout = { timeout: 60_000 };
  await Promise.all(
    guests.map(async ({ page }) => {
      await page
        .locator('lc-subtitles')
        .getByRole('status')
        .getByText(`The host shared subtitles (${subtitles.cues} lines).`)
        .waitFor(timeout);
      await page.locator('lc-overlay .cue span').first().waitFor(timeout);
    }),
  );
  await Promise.all(
    guests.map(({ page }) =>
      page.locator('lc-watch').evaluate((watch, every) => {
        const buttons = [
          ...(watch.shadowRoot?.querySelectorAll('[aria-label="Reactions"] button') ?? []),
        ].filter((b): b is HTMLButtonElement => b instanceof HTMLButtonElement);
        if (buttons.length === 0) throw new Error('no reaction buttons');
        const state = {
          pressed: 0,
          timer: setInterval(() => {
            buttons[state.pressed % buttons.length]?.click();
            state.pressed += 1;
          }, every),
        };
        window.lcBenchReactions = state;
      }, REACTION_EVERY_MS),
    ),
  );
}

/** Stops the reactions and removes the subtitles; returns the reactions each guest pressed. */
export async function comfortOff(host: Person, guests: Person[]): Promise<number[]> {
  const pressed = await Promise.all(
    guests.map(({ page }) =>
      page.evaluate(() => {
        const state = window.lcBenchReactions;
        if (state) clearInterval(state.timer);
        window.lcBenchReactions = undefined;
        return state?.pressed ?? 0;
      }),
    ),
  );
  await host.page.getByRole('button', { name: 'Remove subtitles' }).click();
  await Promise.all(
    guests.map(({ page }) =>
      page
        .locator('lc-subtitles')
        .getByRole('status')
        .getByText('The host removed the subtitles.')
        .waitFor({ timeout: 60_000 }),
    ),
  );
  return pressed;
}
