import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './e2e/chromium';

/**
 * Specs in which several people play video at once. Two of them side by side overload two
 * cores (load average 20+, docs/benchmarks.md "Why the suite was slow"), so they run one at a
 * time, each beside at most one of the light specs.
 */
const PLAYBACK_SPECS = [
  'a11y',
  'autoplay',
  'buffering',
  'cluster',
  'hls',
  'host-away',
  'hostile-peer',
  'hostile-swarm',
  'lifecycle',
  'links',
  'media',
  'own-copy',
  'privacy',
  'seek-and-sound',
  'restart',
  'share-file',
  'share-seek',
  'undecodable-share',
  'steady-video',
  'subtitles',
  'url-mode',
  'voice',
].map((name) => `${name}.spec.ts`);

// Debian's Chromium, never a downloaded browser. Each spec file's worker starts its own server
// (e2e/fixtures.ts) on an ephemeral port; `npm run test:e2e` builds the client first.
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_FLAGS,
    },
  },
  projects: [
    { name: 'playback', testMatch: PLAYBACK_SPECS, workers: 1 },
    { name: 'light', testIgnore: PLAYBACK_SPECS },
  ],
});
