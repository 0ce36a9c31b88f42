import { PROTOCOL_VERSION } from '../shared/peer-messages';
import { expect, test } from './fixtures';
import { joinAsNodePeer } from './node-peer';
import { createRoom, peopleList } from './room';

// A page from another release joins: a Node peer that says another `hello.v`. The person in
// Chromium is told whose page must be reloaded, instead of a bare "connection failed".
for (const { other, version, text } of [
  { other: 'a newer', version: PROTOCOL_VERSION + 1, text: 'reload this page to connect' },
  { other: 'an older', version: PROTOCOL_VERSION - 1, text: 'their page is out of date' },
]) {
  test(`a peer with ${other} protocol version: the page says "${text}"`, async ({
    signUp,
    server,
  }) => {
    const host = await signUp('host');
    const access = await createRoom(host);
    const peer = await joinAsNodePeer(new URL(server.url), access, { protocolVersion: version });
    try {
      const item = peopleList(host.page)
        .getByRole('listitem')
        .filter({ hasText: peer.account.username });
      await expect(item.locator('.state')).toHaveText(text, { timeout: 15_000 });
      expect(host.errors).toEqual([]);
    } finally {
      peer.close();
    }
  });
}
