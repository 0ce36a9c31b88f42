import { expect, test } from './fixtures';
import { chatLog, createRoom } from './room';

test('video and chat sit side by side when wide and stack on a phone; keys work', async ({
  signUp,
}) => {
  const host = await signUp('host');
  await createRoom(host);
  const { page } = host;
  const player = page.locator('lc-player');
  const chat = page.locator('lc-chat');

  await page.setViewportSize({ width: 1280, height: 800 });
  const [p, c] = [await player.boundingBox(), await chat.boundingBox()];
  expect(p && c && c.x >= p.x + p.width - 1).toBe(true);
  expect(p && c && Math.abs(c.y - p.y) < 100).toBe(true);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(async () => {
      const [p2, c2] = [await player.boundingBox(), await chat.boundingBox()];
      return !!p2 && !!c2 && c2.y >= p2.y + p2.height && p2.width <= 390;
    })
    .toBe(true);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(390);

  // Keyboard only: Tab reaches the message box, which shows its focus; Enter sends.
  const box = page.getByRole('textbox', { name: 'Message' });
  for (let i = 0; i < 40 && !(await box.evaluate((el) => el.matches(':focus'))); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(box).toBeFocused();
  const outline = await box.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.type('typed with keys');
  await page.keyboard.press('Enter');
  await expect(
    chatLog(page).getByRole('listitem').filter({ hasText: 'typed with keys' }),
  ).toHaveCount(1);
});
