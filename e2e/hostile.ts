import type { Page } from '@playwright/test';
import { expect, type Person } from './fixtures';
import { chatLog } from './room';

/**
 * The page's main thread still answers: no freeze, no crash. A frozen page never answers, so
 * the bound is generous: a machine with a core kept busy can delay a healthy page's answer by
 * several seconds (5 s was seen to be too short there).
 */
export async function expectResponsive(page: Page): Promise<void> {
  const answer = await Promise.race([
    page.evaluate(() => 6 * 7),
    new Promise<'frozen'>((resolve) => setTimeout(() => resolve('frozen'), 20_000)),
  ]);
  expect(answer).toBe(42);
}

/** The chat lines `person` shows that contain `text`. */
export const chatLines = (person: Person, text: string) =>
  chatLog(person.page).getByRole('listitem').filter({ hasText: text });

/**
 * Sends a chat line with `text` until every one of `people` shows it once (the same id shows
 * once, so resending is harmless): the throttle may drop it while its bucket refills. The
 * channel is ordered, so once it shows, everything sent before it has arrived.
 */
export async function deliverMarker(
  send: (data: string) => void,
  people: readonly Person[],
  id: string,
  text: string,
): Promise<void> {
  const marker = JSON.stringify({ type: 'chat', id, text, sentAt: Date.now() });
  await expect(async () => {
    send(marker);
    for (const person of people) {
      await expect(chatLines(person, text)).toHaveCount(1, { timeout: 1000 });
    }
  }).toPass({ timeout: 30_000 });
}
