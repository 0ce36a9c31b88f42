import { expect, test } from './fixtures';
import { chatLog, expectMesh, joinRoom, openRoomWith, peopleList } from './room';

test('the host removes a guest for good: out to the lobby, gone from the others, refused again', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await openRoomWith(host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);

  // Only the host has the control, and only for guests.
  await expect(ann.page.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await expect(host.page.getByRole('button', { name: `Remove ${host.name}` })).toHaveCount(0);
  await expect(host.page.getByRole('button', { name: `Remove ${ann.name}` })).toBeVisible();

  // On a phone the controls wrap inside the list rather than widen the page.
  await host.page.setViewportSize({ width: 390, height: 844 });
  const button = host.page.getByRole('button', { name: `Remove ${bob.name}` });
  await expect
    .poll(async () => {
      const box = await button.boundingBox();
      return box !== null && box.x >= 0 && box.x + box.width <= 390;
    })
    .toBe(true);
  expect(await host.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    390,
  );

  await host.page.getByRole('button', { name: `Remove ${bob.name}` }).click();

  await expect(bob.page).toHaveURL(/\/lobby$/);
  await expect(
    bob.page.getByRole('status').filter({ hasText: 'The host removed you from the room.' }),
  ).toBeVisible();
  for (const p of [host, ann]) {
    await expect(peopleList(p.page).getByRole('listitem')).toHaveCount(2);
    await expect(
      peopleList(p.page).getByRole('listitem').filter({ hasText: bob.name }),
    ).toHaveCount(0);
    await expect(chatLog(p.page)).toContainText(`${bob.name} left`);
  }
  await expectMesh(ann.page, ann, [host]);

  // The right PIN does not bring the removed account back.
  await joinRoom(bob, access, false);
  await expect(
    bob.page.getByRole('status').filter({ hasText: 'the host removed you from this room' }),
  ).toBeVisible();
  await expect(bob.page).toHaveURL(/\/lobby$/);
  await expect(peopleList(ann.page).getByRole('listitem')).toHaveCount(2);
});
