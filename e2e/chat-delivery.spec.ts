import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { chatLog, createRoom, expectMesh, joinRoom, peopleList, sendChat } from './room';

/**
 * Holds every WebRTC signal the server relays to a page until `release` is called, so that
 * page's connections cannot form: Socket.IO event frames read `42["signal",{...}]`. Routing
 * takes effect from the page's next document, so `beforeGoto` installs it.
 */
function holdSignals(): { beforeGoto: (page: Page) => Promise<void>; release: () => void } {
  const held: Array<() => void> = [];
  let holding = true;
  const beforeGoto = (page: Page) =>
    page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (holding && typeof message === 'string' && message.startsWith('42["signal"')) {
          held.push(() => ws.send(message));
        } else {
          ws.send(message);
        }
      });
    });
  return {
    beforeGoto,
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

test('a line typed before the connections are up still reaches everyone, once', async ({
  signUp,
}) => {
  const signals = holdSignals();
  const [host, ann] = await Promise.all([
    signUp('host'),
    signUp('ann', { beforeGoto: signals.beforeGoto }),
  ]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  // Ann is in the room, but her link to the host cannot form while its signals are held.
  const hostItem = peopleList(ann.page).getByRole('listitem').filter({ hasText: host.name });
  await expect(hostItem).toBeVisible();
  await expect(hostItem.locator('.state')).not.toHaveText('connected');
  await sendChat(ann.page, 'typed while connecting');
  await expect(hostItem.locator('.state')).not.toHaveText('connected');
  const line = chatLog(host.page)
    .getByRole('listitem')
    .filter({ hasText: 'typed while connecting' });
  await expect(line).toHaveCount(0);

  signals.release();
  await expectMesh(ann.page, ann, [host]);
  await expect(line).toHaveCount(1, { timeout: 15_000 });
  await expect(line).toContainText(ann.name);
  // Delivered on the link becoming ready, not again on later lines.
  await sendChat(ann.page, 'and after');
  await expect(
    chatLog(host.page).getByRole('listitem').filter({ hasText: 'and after' }),
  ).toHaveCount(1);
  await expect(line).toHaveCount(1);
});
