import type { PersonOptions } from './fixtures';
import { expect, test } from './fixtures';
import { createRoom, joinRoom, peopleList, roomStatus } from './room';

/**
 * A network that lets no direct connection through (UDP blocked, say), with no relay on the
 * server to go around it: this browser gathers no ICE candidate at all. The network is faked,
 * the app is not: it knows nothing of it.
 */
const behindBlockingNetwork: PersonOptions = {
  beforeGoto: (page) =>
    void page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super({ ...config, iceTransportPolicy: 'relay' });
        }
      };
    }),
};

test('a connection that never forms is said to be blocked on both sides, while both keep trying', async ({
  signUp,
}) => {
  // Two attempts of 15 s each must time out before the page says more than "Connecting…".
  test.setTimeout(120_000);
  const [host, guest] = await Promise.all([signUp('host'), signUp('guest', behindBlockingNetwork)]);
  const access = await createRoom(host);
  await joinRoom(guest, access);
  const pairs = [
    [host, guest],
    [guest, host],
  ] as const;
  for (const [person, other] of pairs) {
    await expect(roomStatus(person.page)).toContainText(`Connecting to ${other.name}`);
  }
  for (const [person, other] of pairs) {
    await expect(roomStatus(person.page)).toHaveText(
      `No connection to ${other.name} after several tries: a firewall or network between you may block it. Still trying…`,
      { timeout: 60_000 },
    );
    await expect(
      peopleList(person.page)
        .getByRole('listitem')
        .filter({ hasText: other.name })
        .locator('.state'),
    ).toHaveText('no connection yet, still trying');
  }
  expect([...host.errors, ...guest.errors]).toEqual([]);
});
