/** Debian's Chromium and the flags it needs here; shared by the Playwright suite and bench/room. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream',
  // Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/**
 * Each person's window. Headless Chromium composites in software, and its cost grows with the
 * area video is drawn at: four pages showing a 320x240 clip 1200 px wide took 44 % of a core in
 * the GPU process, 320 px wide 7 % (docs/benchmarks.md, "Why the suite was slow"). 960 px still
 * puts video and chat side by side; the layout spec sets its own sizes.
 */
export const VIEWPORT = { width: 960, height: 600 } as const;
