import { expect, test } from './fixtures';
import { chatLog, createRoom, expectMesh, joinRoom, sendChat } from './room';

test('chat flows every way, a late joiner gets the history, and HTML stays text', async ({
  signUp,
}) => {
  const [host, ann, bob] = await Promise.all([signUp('host'), signUp('ann'), signUp('bob')]);
  const access = await createRoom(
    host,
    '<b>Movie</b> <img src=x onerror="window.__roomNameXss=1">',
  );
  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, [ann, bob]);
  await expectMesh(ann.page, ann, [host, bob]);
  await expectMesh(bob.page, bob, [host, ann]);

  const lines = [
    [host, 'hello from the host'],
    [ann, 'ann says hi'],
    [bob, 'bob was here'],
  ] as const;
  for (const [person, text] of lines) await sendChat(person.page, text);
  for (const person of [host, ann, bob]) {
    const log = chatLog(person.page);
    for (const [author, text] of lines) {
      const line = log.getByRole('listitem').filter({ hasText: text });
      await expect(line).toHaveCount(1);
      await expect(line).toContainText(author === person ? `${author.name} (you)` : author.name);
      await expect(line.locator('time')).toHaveText(/\d/);
    }
    // Own lines are marked apart from others'.
    await expect(log.locator('li.own')).toHaveCount(1);
  }

  // HTML typed into chat arrives as literal text and runs nothing.
  const xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
  await sendChat(ann.page, xss);
  for (const person of [host, bob]) {
    await expect(chatLog(person.page).getByRole('listitem').filter({ hasText: xss })).toHaveCount(
      1,
    );
    expect(await person.page.locator('lc-chat img').count()).toBe(0);
    expect(await person.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  }

  // A fourth person arrives late and sees what was said before.
  const cat = await signUp('cat');
  await joinRoom(cat, access);
  for (const [, text] of lines) {
    await expect(chatLog(cat.page).getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
  }
  await expect(chatLog(cat.page).getByRole('listitem').filter({ hasText: xss })).toHaveCount(1);
  await expectMesh(cat.page, cat, [host, ann, bob]);
  await sendChat(cat.page, 'cat caught up');
  await expect(
    chatLog(ann.page).getByRole('listitem').filter({ hasText: 'cat caught up' }),
  ).toHaveCount(1);
  await expect(chatLog(ann.page)).toContainText(`${cat.name} joined`);

  // The room name with HTML in it shows as text in the host's lobby list.
  await host.page.goto('/lobby');
  await expect(host.page.getByText('<b>Movie</b> <img src=x', { exact: false })).toBeVisible();
  expect(
    await host.page.evaluate(() => (window as { __roomNameXss?: number }).__roomNameXss),
  ).toBeUndefined();
});
