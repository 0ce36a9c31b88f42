import type { Locator, Page } from '@playwright/test';
import { expect, type Person } from './fixtures';

export interface RoomAccess {
  roomId: string;
  pin: string;
}

export const peopleList = (page: Page): Locator => page.getByRole('list', { name: 'People' });
export const chatLog = (page: Page): Locator => page.getByRole('log', { name: 'Chat' });
export const roomStatus = (page: Page): Locator => page.locator('lc-room p.banner');

/** Host: create a room from the lobby, read its ID and PIN, and enter it. */
export async function createRoom(host: Person, name?: string): Promise<RoomAccess> {
  const { page } = host;
  if (name) await page.getByRole('textbox', { name: 'Room name (optional)' }).fill(name);
  await page.getByRole('button', { name: 'Create room' }).click();
  const created = page.getByRole('group', { name: 'New room' });
  const roomId =
    (await created.locator('lc-copy[label="Room ID"] output').textContent())?.trim() ?? '';
  const pin = (await created.locator('lc-copy[label="PIN"] output').textContent())?.trim() ?? '';
  expect(roomId).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  expect(pin).toMatch(/^\d{6}$/);
  await page.getByRole('button', { name: 'Enter room' }).click();
  await expect(page).toHaveURL(new RegExp(`/room/${roomId}$`));
  await expect(peopleList(page).getByRole('listitem')).toHaveCount(1);
  return { roomId, pin };
}

/** Guest: join from the lobby with the room ID and PIN; by default waits to be in the room. */
export async function joinRoom(guest: Person, access: RoomAccess, expectIn = true): Promise<void> {
  const { page } = guest;
  await page.getByRole('textbox', { name: 'Room ID' }).fill(access.roomId);
  await page.getByRole('textbox', { name: 'PIN' }).fill(access.pin);
  await page.getByRole('button', { name: 'Join room' }).click();
  if (!expectIn) return;
  await expect(page).toHaveURL(new RegExp(`/room/${access.roomId}$`));
  await expect(
    peopleList(page).getByRole('listitem').filter({ hasText: guest.name }),
  ).toBeVisible();
}

/** The host opens a room, every guest joins it, and the host sees them all connected. */
export async function openRoomWith(host: Person, guests: readonly Person[]): Promise<RoomAccess> {
  const access = await createRoom(host);
  for (const guest of guests) await joinRoom(guest, access);
  await expectMesh(host.page, host, guests);
  return access;
}

/** Waits until `page` lists exactly these people, each other one as connected. */
export async function expectMesh(
  page: Page,
  self: Person,
  others: readonly Person[],
): Promise<void> {
  const list = peopleList(page);
  await expect(list.getByRole('listitem')).toHaveCount(others.length + 1, { timeout: 15_000 });
  await expect(list.getByRole('listitem').filter({ hasText: self.name })).toContainText('you');
  for (const other of others) {
    const item = list.getByRole('listitem').filter({ hasText: other.name });
    await expect(item.locator('.state')).toHaveText('connected', { timeout: 15_000 });
  }
}

export async function sendChat(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/** The host streams a file live (its picture re-encoded for each guest) instead of sharing it. */
export async function streamFile(page: Page, file: string): Promise<void> {
  await page.getByLabel('File sharing').selectOption('Live stream');
  await page.getByLabel('Choose video file').setInputFiles(file);
}
