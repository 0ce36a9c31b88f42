import { expect, test } from './fixtures';
import { expectMesh, joinRoom, peopleList } from './room';

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

test('only the host downloads the host’s code; until it arrives the host is told, and a failed download can be retried', async ({
  signUp,
}) => {
  const hostChunk = '**/assets/host-side-*.js';
  let blocked = true;
  let hostFetches = 0;
  const host = await signUp('host', {
    beforeGoto: (page) => {
      void page.route(hostChunk, (route) => {
        hostFetches += 1;
        return blocked ? route.abort('connectionfailed') : route.continue();
      });
    },
  });
  const guestFetched: string[] = [];
  const ann = await signUp('ann', {
    beforeGoto: (page) => {
      void page.route('**/assets/*.js', (route) => {
        guestFetched.push(new URL(route.request().url()).pathname);
        return route.continue();
      });
    },
  });

  await host.page.getByRole('button', { name: 'Create room' }).click();
  const created = host.page.getByRole('group', { name: 'New room' });
  const roomId = (await created.locator('lc-copy[label="Room ID"] output').textContent()) ?? '';
  const pin = (await created.locator('lc-copy[label="PIN"] output').textContent()) ?? '';
  await host.page.getByRole('button', { name: 'Enter room' }).click();
  await expect(host.page.getByRole('alert')).toHaveText(/The host’s controls could not be loaded/);
  await expect(host.page.getByRole('button', { name: 'Close room' })).toHaveCount(0);
  expect(hostFetches).toBe(1);

  await joinRoom(ann, { roomId: roomId.trim(), pin: pin.trim() });
  blocked = false;
  await host.page.getByRole('button', { name: 'Try again' }).click();
  await expect(host.page.getByLabel('Choose video file')).toBeVisible();
  await expect(host.page.locator('lc-room lc-copy[label="PIN"] output')).toHaveText(pin.trim());
  await expect(host.page.getByText('could not be loaded')).toHaveCount(0);
  expect(hostFetches).toBe(2);

  // The guest hears the host once its code has arrived, and never fetched that code itself.
  await expectMesh(ann.page, ann, [host]);
  await expect(ann.page.getByText('The host has not chosen a video yet.')).toBeVisible();
  expect(guestFetched.some((path) => path.includes('lc-room-'))).toBe(true);
  expect(guestFetched.filter((path) => path.includes('host-side-'))).toEqual([]);
});
