import { detailsDialog, figure, openDetails } from './connection-details';
import { expect, test } from './fixtures';
import { expectMesh, openRoomWith } from './room';

test('Connection details lists each person’s round trip, route and sync offset, refreshing while open', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  await openRoomWith(host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);

  // The host sees each guest: a round trip in ms, a direct route, and their clock's offset.
  const dialog = await openDetails(host.page);
  for (const guest of [ann, bob]) {
    await expect(figure(dialog, guest.name, 'Round trip')).toHaveText(/^\d+ ms$/, {
      timeout: 15_000,
    });
    await expect(figure(dialog, guest.name, 'Route')).toHaveText('direct');
    await expect(figure(dialog, guest.name, 'Sync offset to the host')).toHaveText(/^-?\d+ ms$/);
    await expect(figure(dialog, guest.name, 'Measured')).toHaveText(/ago$|^now$/);
  }
  // Chat, pings and sync keep bytes flowing: the bitrate is known from the second refresh on.
  await expect(figure(dialog, ann.name, 'Receiving')).toHaveText(/^\d+ kbit\/s$/, {
    timeout: 15_000,
  });
  // It refreshes while open: "Measured" moves on.
  const measured = figure(dialog, ann.name, 'Measured');
  const first = await measured.textContent();
  await expect(measured).not.toHaveText(first ?? '', { timeout: 15_000 });

  // Escape closes it, and the focus goes back to the button.
  await host.page.keyboard.press('Escape');
  await expect(detailsDialog(host.page)).toBeHidden();
  await expect(host.page.getByRole('button', { name: 'Connection details' })).toBeFocused();

  // A guest sees the host (the host's clock is the reference) and the other guest's offset to it.
  const guestView = await openDetails(ann.page);
  await expect(figure(guestView, host.name, 'Round trip')).toHaveText(/^\d+ ms$/, {
    timeout: 15_000,
  });
  await expect(figure(guestView, host.name, 'Route')).toHaveText('direct');
  await expect(figure(guestView, host.name, 'Sync offset to the host')).toHaveText('the host');
  await expect(figure(guestView, bob.name, 'Route')).toHaveText('direct');
  await expect(figure(guestView, bob.name, 'Sync offset to the host')).toHaveText(/^-?\d+ ms$/, {
    timeout: 15_000,
  });
  await expect(figure(guestView, `${ann.name} (you)`, 'Sync offset to the host')).toHaveText(
    /^-?\d+ ms$/,
  );
  // The Close button closes it too.
  await guestView.getByRole('button', { name: 'Close' }).click();
  await expect(detailsDialog(ann.page)).toBeHidden();
  expect([...host.errors, ...ann.errors, ...bob.errors]).toEqual([]);
});
