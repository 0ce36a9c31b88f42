import type { Page } from '@playwright/test';
import { type Coturn, coturnMissing, startCoturn } from '../signalling/testing/coturn';
import { figure, openDetails } from './connection-details';
import { expect, test } from './fixtures';
import { recordPeerConnections } from './peer-connections';
import {
  chatLog,
  createRoom,
  expectMesh,
  joinRoom,
  peopleList,
  roomStatus,
  sendChat,
} from './room';

/** What the page's RTCPeerConnections used: policy, and the selected pair's candidate types. */
interface PairSeen {
  policy: RTCIceTransportPolicy | undefined;
  state: RTCPeerConnectionState;
  local: string | undefined;
  remote: string | undefined;
}

async function selectedPairs(page: Page): Promise<PairSeen[]> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { __lcPeers: RTCPeerConnection[] }).__lcPeers;
    const out: PairSeen[] = [];
    for (const pc of peers) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      const find = (id: unknown): Record<string, unknown> | undefined =>
        typeof id === 'string' ? (stats.get(id) as Record<string, unknown> | undefined) : undefined;
      let pairId: unknown;
      stats.forEach((report: Record<string, unknown>) => {
        if (report.type === 'transport' && report.selectedCandidatePairId) {
          pairId = report.selectedCandidatePairId;
        }
      });
      const pair = find(pairId);
      out.push({
        policy: pc.getConfiguration().iceTransportPolicy,
        state: pc.connectionState,
        local: find(pair?.localCandidateId)?.candidateType as string | undefined,
        remote: find(pair?.remoteCandidateId)?.candidateType as string | undefined,
      });
    }
    return out;
  });
}

const relayBox = (page: Page) =>
  page.getByRole('checkbox', { name: 'Hide my address (relay only)' });

test.describe('relay only', () => {
  test.skip(coturnMissing !== undefined, coturnMissing);

  /** Each worker runs its own coturn, and a server signing credentials with `secretFor(turn)`. */
  const withTurn = (secretFor: (turn: Coturn) => string) =>
    test.extend<object, { turn: Coturn }>({
      turn: [
        // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring.
        async ({}, use) => {
          const turn = await startCoturn();
          await use(turn);
          await turn.stop();
        },
        { scope: 'worker' },
      ],
      serverEnv: [
        async ({ turn }, use) => use({ TURN_URLS: turn.url, TURN_SECRET: secretFor(turn) }),
        { scope: 'worker' },
      ],
    });
  const relayTest = withTurn((turn) => turn.secret);
  // The wrong secret: coturn refuses the credentials (401), as it does expired ones.
  const refusedTest = withTurn(() => 'not-the-secret');

  relayTest(
    'host and guest who both hide their address chat over a relay/relay pair',
    async ({ signUp }) => {
      const [host, guest] = await Promise.all([
        signUp('host', recordPeerConnections),
        signUp('guest', recordPeerConnections),
      ]);
      for (const { page } of [host, guest]) {
        await expect(relayBox(page)).toBeEnabled();
        await expect(relayBox(page)).not.toBeChecked();
        await relayBox(page).check();
        // Remembered by this browser.
        await page.reload();
        await expect(relayBox(page)).toBeChecked();
      }

      const access = await createRoom(host);
      await joinRoom(guest, access);
      await expectMesh(host.page, host, [guest]);
      await expectMesh(guest.page, guest, [host]);
      await sendChat(host.page, 'through the relay');
      await sendChat(guest.page, 'relayed back');
      for (const { page } of [host, guest]) {
        for (const text of ['through the relay', 'relayed back']) {
          await expect(chatLog(page).getByRole('listitem').filter({ hasText: text })).toHaveCount(
            1,
          );
        }
      }

      for (const { page } of [host, guest]) {
        const pairs = (await selectedPairs(page)).filter((p) => p.state === 'connected');
        expect(pairs).toHaveLength(1);
        expect(pairs[0]).toEqual({
          policy: 'relay',
          state: 'connected',
          local: 'relay',
          remote: 'relay',
        });
      }
      // Connection details names the relay and its protocol.
      const dialog = await openDetails(host.page);
      await expect(figure(dialog, guest.name, 'Route')).toHaveText(/^relay \((udp|tcp|tls)\)$/, {
        timeout: 15_000,
      });
      expect([...host.errors, ...guest.errors]).toEqual([]);
    },
  );

  refusedTest('a relay that refuses us is named as the problem', async ({ signUp }) => {
    const [host, guest] = await Promise.all([signUp('host'), signUp('guest')]);
    for (const { page } of [host, guest]) await relayBox(page).check();
    const access = await createRoom(host);
    await joinRoom(guest, access);
    // Each side's gathering ends without a relay candidate, which names the relay at once.
    for (const { page } of [host, guest]) {
      await expect(roomStatus(page)).toContainText('Could not reach the relay server', {
        timeout: 25_000,
      });
    }
    await expect(
      peopleList(guest.page).getByRole('listitem').filter({ hasText: host.name }).locator('.state'),
    ).toHaveText('could not reach the relay server');
  });
});

test('without a relay on the server the choice is disabled and says why', async ({ signUp }) => {
  const { page } = await signUp('norelay');
  await expect(page.getByText('This server has no relay.')).toBeVisible();
  await expect(relayBox(page)).toBeDisabled();
  await expect(relayBox(page)).not.toBeChecked();
});
