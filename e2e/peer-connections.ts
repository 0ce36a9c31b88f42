import type { Page } from '@playwright/test';
import type { PersonOptions } from './fixtures';

/** Keeps every RTCPeerConnection the page makes on `window.__lcPeers`, for counts and getStats. */
export const recordPeerConnections: PersonOptions = {
  beforeGoto: (page) =>
    void page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const seen: RTCPeerConnection[] = [];
      Object.assign(window, { __lcPeers: seen });
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          seen.push(this);
        }
      };
    }),
};

/** How many RTCPeerConnections the page has made (a page set up with recordPeerConnections). */
export const peerConnectionCount = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { __lcPeers: RTCPeerConnection[] }).__lcPeers.length);

/** Video bytes the page has received over all its connections so far. */
export const videoBytesReceived = (page: Page): Promise<number> =>
  page.evaluate(async () => {
    const peers = (window as unknown as { __lcPeers: RTCPeerConnection[] }).__lcPeers;
    let bytes = 0;
    for (const pc of peers) {
      (await pc.getStats()).forEach(
        (report: { type: string; kind?: string; bytesReceived?: number }) => {
          if (report.type === 'inbound-rtp' && report.kind === 'video')
            bytes += report.bytesReceived ?? 0;
        },
      );
    }
    return bytes;
  });
