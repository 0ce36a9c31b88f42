import type { Locator, Page } from '@playwright/test';

export interface FrameStats {
  width: number;
  height: number;
  currentTime: number;
  /** Mean x of the clip's white box, or null when none is seen. */
  boxX: number | null;
  /** Mean colour of everything but the box. */
  background: { r: number; g: number; b: number } | null;
  /** Share of pixels that are not black. */
  lit: number;
}

export const playerVideo = (page: Page): Locator => page.locator('lc-player video');

/** Draws the element's current frame to a canvas and reads what the test clips encode. */
export function frameStats(video: Locator): Promise<FrameStats> {
  return video.evaluate((v: HTMLVideoElement) => {
    const width = v.videoWidth;
    const height = v.videoHeight;
    const empty = {
      width,
      height,
      currentTime: v.currentTime,
      boxX: null,
      background: null,
      lit: 0,
    };
    if (!width || !height) return empty;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return empty;
    ctx.drawImage(v, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    let boxSum = 0;
    let boxCount = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    let rest = 0;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      const pr = data[i] ?? 0;
      const pg = data[i + 1] ?? 0;
      const pb = data[i + 2] ?? 0;
      if (pr + pg + pb > 60) lit += 1;
      if (pr > 200 && pg > 200 && pb > 200) {
        boxSum += (i / 4) % width;
        boxCount += 1;
      } else {
        r += pr;
        g += pg;
        b += pb;
        rest += 1;
      }
    }
    return {
      width,
      height,
      currentTime: v.currentTime,
      boxX: boxCount > 50 ? boxSum / boxCount : null,
      background: rest ? { r: r / rest, g: g / rest, b: b / rest } : null,
      lit: lit / (width * height),
    };
  });
}

export type Colour = 'blue' | 'red';

export function dominant(stats: FrameStats): Colour | 'other' {
  const bg = stats.background;
  if (!bg) return 'other';
  if (bg.b > 150 && bg.r < 80 && bg.g < 80) return 'blue';
  if (bg.r > 150 && bg.b < 80 && bg.g < 80) return 'red';
  return 'other';
}

/** How far the box moved between two frames `ms` apart (0 for a frozen picture). */
export async function motion(video: Locator, ms = 400): Promise<number> {
  const a = await frameStats(video);
  await video.page().waitForTimeout(ms);
  const b = await frameStats(video);
  if (a.boxX === null || b.boxX === null) return 0;
  return Math.abs(b.boxX - a.boxX);
}

/**
 * How far currentTime moved over `ms`. Sampled as a pair because a remote stream's clock may
 * restart once (Chromium switches it to the audio clock when audio starts rendering).
 */
export async function clockAdvance(video: Locator, ms = 500): Promise<number> {
  const a = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await video.page().waitForTimeout(ms);
  const b = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  return b - a;
}
