import { expect, test } from './fixtures';

test('the built app loads in Chromium with no console errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in to LiveConnect' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Username' })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();

  // A page that needs a session sends a signed-out visitor to sign in.
  await page.goto('/lobby');
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  expect(errors).toEqual([]);
});
