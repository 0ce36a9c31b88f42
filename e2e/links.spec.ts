import type { Page } from '@playwright/test';
import { FILE_CHANNEL_LABEL, FILE_MESSAGE_MAX_BYTES } from '../client/mesh/file-channel';
import { CLIPS } from './clips';
import { expect, type Person, type PersonOptions, test } from './fixtures';
import { chatLog, openRoomWith, sendChat, streamFile } from './room';
import { frameStats, motion, playerVideo } from './video';

/**
 * Keeps every `lc-file` channel the page makes on `window.__lcFile`, and what arrives on each,
 * so a test can send bytes on the app's own channel and read what came (nothing in the app uses
 * the channel yet: issue 12's swarm will).
 */
const recordFileChannels: PersonOptions = {
  beforeGoto: (page) =>
    void page.addInitScript((label) => {
      const channels: RTCDataChannel[] = [];
      const received: ArrayBuffer[] = [];
      Object.assign(window, { __lcFile: { channels, received } });
      const create = RTCPeerConnection.prototype.createDataChannel;
      RTCPeerConnection.prototype.createDataChannel = function (name, init) {
        const channel = create.call(this, name, init);
        if (name === label) {
          channels.push(channel);
          channel.addEventListener('message', ({ data }) => {
            if (data instanceof ArrayBuffer) received.push(data);
          });
        }
        return channel;
      };
    }, FILE_CHANNEL_LABEL),
};

interface FileProbe {
  channels: RTCDataChannel[];
  received: ArrayBuffer[];
}

/** Sends `length` bytes made from `seed` on the page's open `lc-file` channel (it has one link). */
function sendPattern(page: Page, length: number, seed: number): Promise<void> {
  return page.evaluate(
    ({ length, seed }) => {
      const probe = (window as unknown as { __lcFile: FileProbe }).__lcFile;
      const open = probe.channels.filter((c) => c.readyState === 'open');
      if (open.length !== 1) throw new Error(`${open.length} open lc-file channels`);
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
      open[0]?.send(bytes.buffer);
    },
    { length, seed },
  );
}

/** Whether the page received exactly one message on `lc-file`: those bytes, intact. */
function receivedPattern(page: Page, length: number, seed: number): Promise<boolean> {
  return page.evaluate(
    ({ length, seed }) => {
      const { received } = (window as unknown as { __lcFile: FileProbe }).__lcFile;
      if (received.length !== 1 || received[0]?.byteLength !== length) return false;
      const bytes = new Uint8Array(received[0]);
      return bytes.every((b, i) => b === ((i * 31 + seed) & 0xff));
    },
    { length, seed },
  );
}

/** The guest's player shows the host's stream: lit (not black) frames in which the box moves. */
async function expectStreaming(guest: Person): Promise<void> {
  const video = playerVideo(guest.page);
  await expect
    .poll(async () => (await frameStats(video)).lit, { timeout: 20_000 })
    .toBeGreaterThan(0.9);
  await expect.poll(() => motion(video), { timeout: 20_000 }).toBeGreaterThan(3);
}

test.afterEach(({ server }) => {
  // A test that failed while the server was stopped must not leave it stopped for the next one.
  server.resume();
});

test('with the signalling server stopped, tracks added after connect and lc-file bytes still reach the other person', async ({
  signUp,
  server,
}) => {
  const [host, guest] = await Promise.all([
    signUp('host', recordFileChannels),
    signUp('guest', recordFileChannels),
  ]);
  await openRoomWith(host, [guest]);
  await sendChat(guest.page, 'connected before the stop');
  await expect(chatLog(host.page)).toContainText('connected before the stop');

  // SIGSTOP: the server's sockets stay open, so nobody notices it is gone, but nothing it should
  // relay arrives until SIGCONT.
  server.pause();
  // The host's file is chosen only now: its tracks join a connected link, which renegotiates.
  await streamFile(host.page, CLIPS.blue.file);
  await expectStreaming(guest);

  await sendPattern(host.page, FILE_MESSAGE_MAX_BYTES, 7);
  await sendPattern(guest.page, 10_000, 3);
  await expect.poll(() => receivedPattern(guest.page, FILE_MESSAGE_MAX_BYTES, 7)).toBe(true);
  await expect.poll(() => receivedPattern(host.page, 10_000, 3)).toBe(true);

  await sendChat(host.page, 'during the stop');
  await expect(chatLog(guest.page)).toContainText('during the stop');
  server.resume();
  expect(host.errors).toEqual([]);
  expect(guest.errors).toEqual([]);
});
