import type { Locator, Page } from '@playwright/test';
import {
  REACTION_BURST,
  REACTION_FLOAT_MS,
  REACTION_FLOATING_MAX,
  REACTION_PER_SECOND,
} from '../client/comfort/reactions';
import { expect, test } from './fixtures';
import { joinAsNodePeer } from './node-peer';
import { chatLog, expectMesh, openRoomWith, peopleList } from './room';

const reactionButton = (page: Page, emoji: string): Locator =>
  page.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: emoji });
const floating = (page: Page): Locator => page.locator('lc-overlay .floating span');
const tallyLines = (page: Page, text: string): Locator =>
  chatLog(page).getByRole('listitem').filter({ hasText: text });

/** From now on, records how many reactions `page` floated, and the most at once. */
async function trackFloating(page: Page): Promise<() => Promise<{ added: number; most: number }>> {
  await page.locator('lc-player').evaluate((player) => {
    const w = window as unknown as { __floating: { added: number; most: number } };
    w.__floating = { added: 0, most: 0 };
    const watch = (layer: Element): void => {
      new MutationObserver((records) => {
        for (const r of records) w.__floating.added += r.addedNodes.length;
        w.__floating.most = Math.max(w.__floating.most, layer.childElementCount);
      }).observe(layer, { childList: true });
    };
    const layer = player.querySelector('lc-overlay')?.shadowRoot?.querySelector('.floating');
    if (layer) watch(layer);
    else {
      // The overlay is added with the first reaction: watch it from then on.
      new MutationObserver((_, observer) => {
        const added = player.querySelector('lc-overlay')?.shadowRoot?.querySelector('.floating');
        if (!added) return;
        observer.disconnect();
        watch(added);
        w.__floating.added += added.childElementCount;
        w.__floating.most = added.childElementCount;
      }).observe(player, { childList: true });
    }
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { __floating: { added: number; most: number } }).__floating,
    );
}

test('a reaction floats over everyone’s video for about two seconds and is counted in the chat', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  await openRoomWith(host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(bob.page, bob, [host, ann]);

  // Everyone's reactions arrived (they load after the room is up; one sent before is not shown).
  for (const person of [host, ann, bob]) {
    await expect(person.page.getByRole('group', { name: 'Reactions' })).toBeVisible();
  }
  // A reaction floats for two seconds: record it on every page, since a busy machine may take
  // longer than that to look at each in turn.
  const tracks = await Promise.all([host, ann, bob].map((person) => trackFloating(person.page)));
  // Ann reacts three times with one emoji and once with another, within the burst.
  // Clicked in one go: a burst is what falls within one tally (3 s), however slow the machine.
  await ann.page.getByRole('group', { name: 'Reactions' }).evaluate((group) => {
    for (const emoji of ['😂', '😂', '👍', '😂']) {
      for (const b of group.querySelectorAll('button')) if (b.textContent === emoji) b.click();
    }
  });
  for (const [i, person] of [host, ann, bob].entries()) {
    await expect
      .poll(async () => (await tracks[i]?.())?.added ?? 0, {
        message: `${person.name} sees it float`,
      })
      .toBeGreaterThan(0);
  }
  // They float away by themselves.
  for (const person of [host, ann, bob]) {
    await expect(floating(person.page)).toHaveCount(0, { timeout: REACTION_FLOAT_MS + 3000 });
  }
  // One line counts the burst, for everyone.
  for (const person of [host, bob]) {
    await expect(tallyLines(person.page, `${ann.name} reacted 😂 ×3 👍`)).toHaveCount(1);
  }
  await expect(tallyLines(ann.page, 'You reacted 😂 ×3 👍')).toHaveCount(1);

  // By keyboard too.
  await reactionButton(bob.page, '🎉').focus();
  await bob.page.keyboard.press('Enter');
  await expect(tallyLines(host.page, `${bob.name} reacted 🎉`)).toHaveCount(1);
});

test('a flood of reactions neither freezes the page nor fills the screen, and only the fixed emoji count', async ({
  signUp,
  server,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await openRoomWith(host, [ann]);
  const hostile = await joinAsNodePeer(new URL(server.url), access);
  try {
    await expect(
      peopleList(host.page).getByRole('listitem').filter({ hasText: hostile.account.username }),
    ).toContainText('connected', { timeout: 15_000 });
    const hostPeer = hostile.members.find((m) => m.role === 'host');
    if (!hostPeer) throw new Error('no host in the join ack');
    const send = (value: unknown): void => hostile.send(hostPeer.peerId, JSON.stringify(value));
    const floated = await trackFloating(host.page);

    // Emoji outside the fixed set, markup and oversized strings are refused.
    for (const emoji of ['💩', '<img src=x onerror=alert(1)>', 'X'.repeat(1000), 1, null]) {
      send({ type: 'reaction', emoji });
    }
    const started = Date.now();
    for (let i = 0; i < 1000; i += 1) send({ type: 'reaction', emoji: '😮' });
    await expect(floating(host.page).first()).toBeVisible();
    expect(await host.page.evaluate(() => 6 * 7)).toBe(42);
    await hostile.drained(hostPeer.peerId);
    const elapsed = Date.now() - started;
    await expect(floating(host.page)).toHaveCount(0, { timeout: REACTION_FLOAT_MS + 3000 });

    // However many came, few floated, never more than the cap at once, and they are counted.
    const { added, most } = await floated();
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThanOrEqual(
      REACTION_BURST + Math.ceil((REACTION_PER_SECOND * (elapsed + 1000)) / 1000),
    );
    expect(most).toBeLessThanOrEqual(REACTION_FLOATING_MAX);
    await expect(
      tallyLines(host.page, `${hostile.account.username} reacted 😮 ×`).first(),
    ).toBeVisible();
    for (const text of ['💩', 'onerror', 'XXXX']) {
      await expect(host.page.locator('body')).not.toContainText(text);
    }
  } finally {
    hostile.close();
  }
});

test('a reaction that arrives before the reactions have loaded is shown once they have', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  // The host's comfort chunk (reactions, typing, player controls) is held back until released.
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await host.page.route('**/assets/comfort-*.js', async (route) => {
    await held;
    await route.continue();
  });
  await openRoomWith(host, [ann]);
  await expectMesh(ann.page, ann, [host]);
  await expect(host.page.getByRole('group', { name: 'Reactions' })).toHaveCount(0);

  await reactionButton(ann.page, '😂').click();
  // Ann's own tally closes 3 s after her reaction: long after it reached the host on loopback.
  await expect(tallyLines(ann.page, 'You reacted 😂')).toHaveCount(1);
  await expect(host.page.getByRole('group', { name: 'Reactions' })).toHaveCount(0);

  release();
  await expect(host.page.getByRole('group', { name: 'Reactions' })).toBeVisible();
  await expect(tallyLines(host.page, `${ann.name} reacted 😂`)).toHaveCount(1);
});
