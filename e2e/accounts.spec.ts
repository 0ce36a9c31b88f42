import { VIEWPORT } from './chromium';
import { expect, test, uniqueName } from './fixtures';
import { createRoom, expectMesh, joinRoom, peopleList } from './room';

test('three people sign up, the host creates a room, two guests join; a wrong PIN is refused', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await createRoom(host);

  // Host sees its room's ID and PIN inside the room.
  await expect(host.page.locator('lc-room lc-copy[label="Room ID"] output')).toHaveText(
    access.roomId,
  );
  await expect(host.page.locator('lc-room lc-copy[label="PIN"] output')).toHaveText(access.pin);

  // A wrong PIN: back in the lobby with a message and the room ID filled in.
  const wrong = access.pin === '000000' ? '111111' : '000000';
  await joinRoom(bob, { ...access, pin: wrong }, false);
  await expect(bob.page.getByRole('status').filter({ hasText: 'PIN is not right' })).toBeVisible();
  await expect(bob.page).toHaveURL(/\/lobby$/);
  await expect(bob.page.getByRole('textbox', { name: 'Room ID' })).toHaveValue(access.roomId);

  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(bob.page, bob, [host, ann]);
  await expect(
    peopleList(ann.page).getByRole('listitem').filter({ hasText: host.name }),
  ).toContainText('(host)');

  // Reloading the room page rejoins with the PIN this tab kept.
  await ann.page.reload();
  await expect(ann.page).toHaveURL(new RegExp(`/room/${access.roomId}$`));
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(host.page, host, [ann, bob]);
});

test('an invite link carries the PIN in its fragment and joins straight away', async ({
  signUp,
  browser,
  server,
}) => {
  const host = await signUp('host');
  const access = await createRoom(host);
  const link = await host.page.locator('lc-room lc-copy[label="Invite link"] output').textContent();
  expect(link).toBe(`${server.url}/room/${access.roomId}#pin=${access.pin}`);

  // Someone new opens the link signed out: sign up, then land in the room.
  const context = await browser.newContext({ baseURL: server.url, viewport: VIEWPORT });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(link ?? '');
  const name = uniqueName('cat');
  await page.getByRole('textbox', { name: 'Username' }).fill(name);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(new RegExp(`/room/${access.roomId}$`));
  await expect(peopleList(page).getByRole('listitem')).toHaveCount(2);
  expect(requests.filter((u) => u.includes(access.pin))).toEqual([]);
  await context.close();
});

test('sign out returns to the sign-in page; signing in again works', async ({ signUp }) => {
  const person = await signUp('sam');
  await person.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(person.page.getByText('You have signed out.')).toBeVisible();
  await person.page.goto('/lobby');
  await expect(person.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await person.page.getByRole('textbox', { name: 'Username' }).fill(person.name);
  await person.page.getByLabel('Password').fill('wrong password!');
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(person.page.getByRole('alert')).not.toBeEmpty();
  await person.page.getByLabel('Password').fill('correct horse battery');
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(person.page.getByRole('button', { name: 'Create room' })).toBeVisible();
});

test('a session that ends elsewhere sends lobby and room to sign in with a message', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await expectMesh(ann.page, ann, [host]);
  const lobby = await ann.context.newPage();
  await lobby.goto('/lobby');
  await expect(lobby.getByRole('button', { name: 'Create room' })).toBeVisible();

  // A third tab of the same browser signs out, which revokes the session everywhere.
  const other = await ann.context.newPage();
  await other.goto('/lobby');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByText('You have signed out.')).toBeVisible();

  // The lobby learns on its next request (401).
  await lobby.getByRole('button', { name: 'Create room' }).click();
  await expect(lobby.getByText('Your session has ended. Please sign in again.')).toBeVisible();
  // The room page learns through its socket, which the server drops.
  await expect(ann.page.getByText('Your session has ended. Please sign in again.')).toBeVisible({
    timeout: 15_000,
  });
  await expect(ann.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('the host rotates the PIN: the old one stops working, the new one works', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await host.page.getByRole('button', { name: 'New PIN' }).click();
  const pinOutput = host.page.locator('lc-room lc-copy[label="PIN"] output');
  await expect(pinOutput).not.toHaveText(access.pin);
  const fresh = (await pinOutput.textContent())?.trim() ?? '';
  expect(fresh).toMatch(/^\d{6}$/);

  await joinRoom(ann, access, false);
  await expect(ann.page.getByRole('status').filter({ hasText: 'PIN is not right' })).toBeVisible();
  await joinRoom(ann, { ...access, pin: fresh });
  await expectMesh(ann.page, ann, [host]);
  // The host's tab keeps the new PIN: a reload rejoins with it.
  await host.page.reload();
  await expectMesh(host.page, host, [ann]);
});
