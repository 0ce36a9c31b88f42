import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** The "Connection details" dialog (open or not). */
export const detailsDialog = (page: Page): Locator =>
  page.getByRole('dialog', { name: 'Connection details' });

/** Opens "Connection details" and waits for it to list someone. */
export async function openDetails(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Connection details' }).click();
  const dialog = detailsDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem').first()).toBeVisible();
  return dialog;
}

/** One figure of one person's entry, e.g. `figure(dialog, 'ann', 'Route')`. */
export const figure = (dialog: Locator, name: string, term: string): Locator =>
  dialog
    .getByRole('listitem')
    .filter({ has: dialog.page().getByRole('heading', { name, exact: false }) })
    .locator('dt', { hasText: term })
    .locator('xpath=following-sibling::dd[1]');
