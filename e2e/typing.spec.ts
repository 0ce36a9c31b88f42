import type { Locator, Page } from '@playwright/test';
import { TYPING_SEND_MS, TYPING_SHOW_MS } from '../client/comfort/typing';
import { expect, test } from './fixtures';
import { joinAsNodePeer } from './node-peer';
import { chatLog, expectMesh, openRoomWith, peopleList, sendChat } from './room';

const typingLine = (page: Page): Locator => page.locator('lc-typing').getByRole('status');
const messageBox = (page: Page): Locator => page.getByRole('textbox', { name: 'Message' });

/** Counts changes to the typing line's text from now on, as a screen reader would hear them. */
async function countAnnouncements(page: Page): Promise<() => Promise<number>> {
  await typingLine(page).evaluate((line) => {
    const w = window as unknown as { __announced: number };
    w.__announced = 0;
    new MutationObserver((records) => {
      w.__announced += records.length;
    }).observe(line, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { __announced: number }).__announced);
}

/**
 * How long (ms) after the chat line containing `text` appears the typing line stops naming
 * `name`, both seen by the same poll inside the page so a slow machine does not widen it.
 */
async function clearedAfterChat(page: Page, text: string, name: string): Promise<number> {
  const line = await typingLine(page).elementHandle();
  const log = await chatLog(page).elementHandle();
  return page.evaluate(
    ([line, log, text, name]) =>
      new Promise<number>((resolve) => {
        let chatAt: number | null = null;
        const poll = (): void => {
          const now = performance.now();
          if (chatAt === null && log.textContent?.includes(text)) chatAt = now;
          if (chatAt !== null && !line.textContent?.includes(name)) resolve(now - chatAt);
          else setTimeout(poll, 20);
        };
        poll();
      }),
    [line, log, text, name] as const,
  );
}

test('others see who is typing, for at most five seconds, from marks that never carry the text', async ({
  signUp,
  server,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await openRoomWith(host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(bob.page, bob, [host, ann]);
  // A listener from Node records what Ann's page sends.
  const listener = await joinAsNodePeer(new URL(server.url), access);
  try {
    const annPeer = listener.members.find((m) => m.name === ann.name);
    if (!annPeer) throw new Error('Ann is not in the join ack');
    await expect(
      peopleList(ann.page).getByRole('listitem').filter({ hasText: listener.account.username }),
    ).toContainText('connected', { timeout: 15_000 });
    const announcedOnHost = await countAnnouncements(host.page);

    // Ann types for about three seconds without sending.
    const secret = 'a secret plan for tonight';
    const started = Date.now();
    await messageBox(ann.page).pressSequentially(secret, { delay: 120 });
    const lastKey = Date.now();
    for (const person of [host, bob]) {
      await expect(typingLine(person.page)).toHaveText(`${ann.name} is typing…`);
    }
    await expect(typingLine(ann.page)).toHaveText('');

    // The line goes within five seconds of the last key (a little more for the channel).
    for (const person of [host, bob]) {
      await expect(typingLine(person.page)).toHaveText('', { timeout: TYPING_SHOW_MS + 3000 });
    }
    expect(Date.now() - lastKey).toBeLessThan(TYPING_SHOW_MS + 3000);
    // Shown and hidden once each, however many marks came.
    expect(await announcedOnHost()).toBeLessThanOrEqual(2);

    // At most one mark a second, and none carries anything but its type.
    const marks = listener.received.filter(
      (r) => r.from === annPeer.peerId && r.message.type === 'typing',
    );
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.length).toBeLessThanOrEqual(Math.ceil((lastKey - started) / TYPING_SEND_MS) + 1);
    for (const { message } of marks) expect(message).toEqual({ type: 'typing' });
    expect(JSON.stringify(listener.received)).not.toContain('secret');

    // Two people typing are both named; a line sent clears its author at once. Bob keeps typing
    // so his own mark cannot run out on a slow machine while Ann's line travels.
    let bobTyping = true;
    const bobKeepsTyping = (async () => {
      while (bobTyping) {
        await messageBox(bob.page).press('x');
        await bob.page.waitForTimeout(400);
      }
    })();
    await messageBox(ann.page).pressSequentially('!', { delay: 50 });
    await expect(typingLine(host.page)).toHaveText(
      new RegExp(`^(${ann.name} and ${bob.name}|${bob.name} and ${ann.name}) are typing…$`),
    );
    const clearedAfterLine = clearedAfterChat(host.page, secret, ann.name);
    await messageBox(ann.page).press('Enter');
    await expect(chatLog(host.page)).toContainText(secret);
    await expect(typingLine(host.page)).toHaveText(`${bob.name} is typing…`);
    // Ann's mark was fresh when she sent, so only the line itself can have cleared it this soon.
    expect(await clearedAfterLine).toBeLessThan(TYPING_SHOW_MS / 2);
    bobTyping = false;
    await bobKeepsTyping;
    await sendChat(bob.page, 'done');
    await expect(typingLine(host.page)).toHaveText('');
  } finally {
    listener.close();
  }
});

test('a hostile peer can mark only itself as typing, and a flood of marks shows one line', async ({
  signUp,
  server,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await openRoomWith(host, [ann]);
  const hostile = await joinAsNodePeer(new URL(server.url), access);
  try {
    for (const person of [host, ann]) {
      await expect(
        peopleList(person.page).getByRole('listitem').filter({ hasText: hostile.account.username }),
      ).toContainText('connected', { timeout: 15_000 });
    }
    const announced = await countAnnouncements(host.page);
    const hostPeer = hostile.members.find((m) => m.role === 'host');
    const annPeer = hostile.members.find((m) => m.name === ann.name);
    if (!hostPeer || !annPeer) throw new Error('the join ack lacks the host or Ann');
    // Marks that name someone else, by every field a forger might try, and a flood.
    const forged = [
      { type: 'typing', name: ann.name },
      { type: 'typing', from: annPeer.peerId, peerId: annPeer.peerId, userId: 'x' },
      { type: 'typing', text: 'LEAKED' },
    ];
    for (const mark of forged) hostile.send(hostPeer.peerId, JSON.stringify(mark));
    for (let i = 0; i < 2000; i += 1) hostile.send(hostPeer.peerId, '{"type":"typing"}');
    await expect(typingLine(host.page)).toHaveText(`${hostile.account.username} is typing…`);
    await expect(host.page.locator('body')).not.toContainText('LEAKED');
    expect(await host.page.evaluate(() => 6 * 7)).toBe(42);
    await hostile.drained(hostPeer.peerId);
    await expect(typingLine(host.page)).toHaveText('', { timeout: TYPING_SHOW_MS + 3000 });
    expect(await announced()).toBeLessThanOrEqual(2);
    await expect(typingLine(host.page)).not.toContainText(ann.name);
  } finally {
    hostile.close();
  }
});
