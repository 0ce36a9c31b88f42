import { expect, test } from './fixtures';
import { peopleList } from './room';

test('the sign-in page does not load the room’s code, and a room whose code failed to arrive can be retried', async ({
  signUp,
}) => {
  const roomChunk = '**/assets/lc-room-*.js';
  const fetched: string[] = [];
  let blocked = true;
  const host = await signUp('host', {
    beforeGoto: (page) => {
      void page.route(roomChunk, (route) => {
        fetched.push(route.request().url());
        return blocked ? route.abort('connectionfailed') : route.continue();
      });
    },
  });
  const { page } = host;

  // Signed in: the lobby asked for the room's code once, and it could not be downloaded.
  await expect.poll(() => fetched.length).toBe(1);
  await page.getByRole('button', { name: 'Create room' }).click();
  await page.getByRole('button', { name: 'Enter room' }).click();
  await expect(page.getByRole('alert')).toHaveText(/The room could not be loaded/);

  blocked = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(peopleList(page).getByRole('listitem')).toHaveCount(1);
  expect(fetched).toHaveLength(2);
});

test('a visitor who is not signed in never downloads the room’s code', async ({ page }) => {
  const fetched: string[] = [];
  await page.route('**/assets/*.js', (route) => {
    fetched.push(new URL(route.request().url()).pathname);
    return route.continue();
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.filter((path) => path.includes('lc-room-'))).toEqual([]);
  // Nothing of the room page was defined by the scripts the sign-in page did load.
  expect(await page.evaluate(() => customElements.get('lc-room') === undefined)).toBe(true);
});
