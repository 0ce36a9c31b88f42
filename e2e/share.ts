import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, type Person } from './fixtures';
import { STARVED_WAIT_MS, shownVideo } from './playback';
import { frameStats } from './video';

/** Helpers for specs in which the host shares its file itself (issue 12). */

/** The SHA-256 of a file on disk, as the bytes `assembled` returns. */
export function fileSha256(file: string): number[] {
  return [...createHash('sha256').update(readFileSync(file)).digest()];
}

/** The host shares a file itself (File sharing: Original quality, the default). */
export async function shareFile(host: Person, file: string): Promise<void> {
  await expect(host.page.getByLabel('File sharing')).toHaveValue('original');
  await host.page.getByLabel('Choose video file').setInputFiles(file);
}

/** Waits until a guest's own <video> shows the clip at its original size. */
export async function expectOriginal(guest: Person, clip: { width: number; height: number }) {
  await expect
    .poll(
      async () => {
        const s = await frameStats(shownVideo(guest.page));
        return `${s.width}x${s.height}`;
      },
      { timeout: STARVED_WAIT_MS },
    )
    .toBe(`${clip.width}x${clip.height}`);
}

/** Everything the guest's page can read of the shared file, through its own file worker. */
export function assembled(page: Page): Promise<number[]> {
  return shownVideo(page).evaluate(async (video: HTMLVideoElement) => {
    const parts: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      const res = await fetch(video.src, { headers: { Range: `bytes=${at}-` } });
      if (res.status !== 206) throw new Error(`answered ${res.status}`);
      const part = new Uint8Array(await res.arrayBuffer());
      parts.push(part);
      at += part.byteLength;
      const total = Number(res.headers.get('Content-Range')?.split('/')[1]);
      if (at >= total) break;
    }
    const all = new Uint8Array(at);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    return [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))];
  });
}

/** Waits until the guest's "Received" bar is full. */
export async function expectReceivedAll(guest: Person): Promise<void> {
  await expect
    .poll(
      () =>
        guest.page
          .getByLabel('Received')
          .evaluate((p: HTMLProgressElement) => p.max > 0 && p.value === p.max),
      { timeout: 60_000 },
    )
    .toBe(true);
}
