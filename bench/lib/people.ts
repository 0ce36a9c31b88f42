import type { Browser, BrowserContext, Page } from '@playwright/test';
import { VIEWPORT } from '../../e2e/chromium';

/** What a page runs before the app: a function, or a script's text. */
export type InitScript = Parameters<BrowserContext['addInitScript']>[0];

/** Someone signed up in a browser context of their own, for the browser benchmarks. */
export interface Person {
  name: string;
  page: Page;
}

export interface RoomAccess {
  roomId: string;
  pin: string;
}

const PASSWORD = 'correct horse battery';
let counter = 0;

/**
 * Signs a new person up on the app at `url` and waits for the lobby. `initScripts` run in the
 * page before the app; tsx (esbuild) wraps named functions in __name(), which the page lacks,
 * so a no-op __name comes first.
 */
export async function signUp(
  browser: Browser,
  url: string,
  prefix: string,
  initScripts: InitScript[] = [],
): Promise<Person> {
  const context = await browser.newContext({ baseURL: url, viewport: VIEWPORT });
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  for (const script of initScripts) await context.addInitScript(script);
  const page = await context.newPage();
  counter += 1;
  const name = `${prefix}${counter}_${Date.now().toString(36)}`;
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Username' }).fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Create room' }).waitFor();
  return { name, page };
}

/** The host creates a room from the lobby, reads its ID and PIN and enters it. */
export async function createRoom(host: Person): Promise<RoomAccess> {
  const { page } = host;
  await page.getByRole('button', { name: 'Create room' }).click();
  const created = page.getByRole('group', { name: 'New room' });
  const roomId =
    (await created.locator('lc-copy[label="Room ID"] output').textContent())?.trim() ?? '';
  const pin = (await created.locator('lc-copy[label="PIN"] output').textContent())?.trim() ?? '';
  await page.getByRole('button', { name: 'Enter room' }).click();
  await page.waitForURL(`**/room/${roomId}`);
  return { roomId, pin };
}

/** Fills in the room ID and PIN and presses "Join room" (without waiting for the room). */
export async function pressJoin(guest: Person, access: RoomAccess): Promise<void> {
  const { page } = guest;
  await page.getByRole('textbox', { name: 'Room ID' }).fill(access.roomId);
  await page.getByRole('textbox', { name: 'PIN' }).fill(access.pin);
  await page.getByRole('button', { name: 'Join room' }).click();
}
