import { expect, test } from './fixtures';
import { chatLog, createRoom, expectMesh, joinRoom, sendChat } from './room';

test('a line typed before the connections are up still reaches everyone, once', async ({
  signUp,
}) => {
  const [host, ann] = await Promise.all([signUp('host'), signUp('ann')]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  // Straight after joining: the link to the host is usually still forming.
  await sendChat(ann.page, 'typed while connecting');
  await expectMesh(ann.page, ann, [host]);

  const line = chatLog(host.page)
    .getByRole('listitem')
    .filter({ hasText: 'typed while connecting' });
  await expect(line).toHaveCount(1, { timeout: 15_000 });
  await expect(line).toContainText(ann.name);
  // Delivered on the link becoming ready, not again on later lines.
  await sendChat(ann.page, 'and after');
  await expect(
    chatLog(host.page).getByRole('listitem').filter({ hasText: 'and after' }),
  ).toHaveCount(1);
  await expect(line).toHaveCount(1);
});
