import { statSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { CLIPS, SHARE_CLIPS } from './clips';
import { expect, type PersonOptions, test } from './fixtures';
import { expectPlayingTogether } from './playback';
import {
  chatLog,
  createRoom,
  expectMesh,
  joinRoom,
  openRoomWith,
  sendChat,
  streamFile,
} from './room';
import { assembled, expectOriginal, expectReceivedAll, fileSha256, shareFile } from './share';
import { frameStats, playerVideo } from './video';

/**
 * Everything a page sends to the server: WebSocket frames and HTTP request bodies and URLs; and
 * each page's requests for a shared file, with whether its service worker answered them.
 */
function recorder() {
  const frames: (string | Buffer)[] = [];
  const http: string[] = [];
  const swarmFile: { url: string; byWorker: boolean }[] = [];
  /** Requests the service workers themselves sent to the network. */
  const fromWorkers: string[] = [];
  const options: PersonOptions = {
    beforeGoto: (page: Page) => {
      page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(f.payload)));
      page.on('request', (r) => http.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
      page.on('requestfinished', async (r) => {
        if (!r.url().includes('/swarm-file/')) return;
        // A request that finished as its page closed has no response left to read: not counted.
        const response = await r.response().catch(() => 'closed' as const);
        if (response === 'closed') return;
        swarmFile.push({ url: r.url(), byWorker: response?.fromServiceWorker() ?? false });
      });
      page.context().on('request', (r) => {
        if (r.serviceWorker()) fromWorkers.push(r.url());
      });
    },
  };
  return { frames, http, swarmFile, fromWorkers, options };
}

const ALLOWED_EVENTS = new Set(['room:join', 'room:leave', 'signal']);
const SIGNAL_TYPES = new Set(['offer', 'answer', 'candidate', 'renegotiate', 'transceiverRequest']);

test('the server sees joins, leaves and signals, never chat, sync or media', async ({ signUp }) => {
  const rec = recorder();
  const [host, ann, bob] = await Promise.all([
    signUp('host', rec.options),
    signUp('ann', rec.options),
    signUp('bob', rec.options),
  ]);
  const access = await createRoom(host);
  await joinRoom(ann, access);
  await joinRoom(bob, access);
  await expectMesh(host.page, host, [ann, bob]);

  const secrets = ['secret-from-host-7f3a', 'secret-from-ann-91bc', 'secret-from-bob-55de'];
  await sendChat(host.page, secrets[0] ?? '');
  await sendChat(ann.page, secrets[1] ?? '');
  await sendChat(bob.page, secrets[2] ?? '');
  for (const p of [host, ann, bob]) {
    for (const s of secrets) await expect(chatLog(p.page)).toContainText(s);
  }

  await streamFile(host.page, CLIPS.blue.file);
  await expect
    .poll(async () => (await frameStats(playerVideo(ann.page))).width, { timeout: 20_000 })
    .toBe(320);
  await playerVideo(host.page).evaluate((v: HTMLVideoElement) => v.pause());
  await expect(ann.page.getByLabel('Now playing')).toContainText('Paused');
  await playerVideo(host.page).evaluate((v: HTMLVideoElement) => v.play());
  await expect(bob.page.getByLabel('Now playing')).toContainText('Playing');
  await ann.page.getByRole('button', { name: 'Leave room' }).click();
  await expect(ann.page).toHaveURL(/\/lobby$/);

  const events: string[] = [];
  for (const frame of rec.frames) {
    // Only text frames: a binary frame could carry anything.
    expect(typeof frame).toBe('string');
    const text = String(frame);
    expect(text.length).toBeLessThan(70 * 1024);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('blue-320x240');
    expect(text).not.toMatch(/"type":"(sync|chat|history|hello|control)"/);
    // Engine.IO ping/pong, Socket.IO connect, or an event (with an optional ack id).
    if (/^(2|3|40|41)$/.test(text) || text.startsWith('40{')) continue;
    const event = /^42\d*(\[.*\])$/s.exec(text);
    expect(event, `unexpected frame ${text.slice(0, 80)}`).not.toBeNull();
    const [name, payload] = JSON.parse(event?.[1] ?? '[]') as [string, Record<string, unknown>?];
    expect(ALLOWED_EVENTS.has(name), `event ${name}`).toBe(true);
    events.push(name);
    if (name === 'room:join') expect(Object.keys(payload ?? {}).sort()).toEqual(['pin', 'roomId']);
    if (name === 'signal') {
      expect(Object.keys(payload ?? {}).sort()).toEqual(['data', 'to']);
      const data = payload?.data as { type?: string };
      expect(SIGNAL_TYPES.has(data.type ?? '')).toBe(true);
    }
  }
  expect(events).toContain('room:join');
  expect(events).toContain('signal');
  expect(events).toContain('room:leave');
  for (const request of rec.http) {
    for (const secret of secrets) expect(request).not.toContain(secret);
    expect(request).not.toContain('blue-320x240');
  }
});

test('a file shared itself reaches guests over the mesh only: no chunk goes through the server', async ({
  signUp,
}) => {
  const rec = recorder();
  const [host, ann] = await Promise.all([signUp('host', rec.options), signUp('ann', rec.options)]);
  await openRoomWith(host, [ann]);
  const clip = SHARE_CLIPS.mp4;
  await shareFile(host, clip.file);
  await expectOriginal(ann, clip);
  await expectPlayingTogether(host, [ann]);
  await expectReceivedAll(ann);
  // The guest's bytes are the file's, so they came from somewhere: the mesh.
  expect(await assembled(ann.page)).toEqual(fileSha256(clip.file));

  // Its <video> asked for the file many times; its own service worker answered every request,
  // and the worker sent none of them on to the server.
  expect(rec.swarmFile.length).toBeGreaterThan(0);
  expect(rec.swarmFile.filter((r) => !r.byWorker)).toEqual([]);
  expect(rec.fromWorkers.filter((url) => url.includes('/swarm-file/'))).toEqual([]);
  // The socket carried signals only: text, no swarm message, a small fraction of the file.
  const size = statSync(clip.file).size;
  let socketBytes = 0;
  for (const frame of rec.frames) {
    expect(typeof frame).toBe('string');
    const text = String(frame);
    socketBytes += text.length;
    expect(text).not.toMatch(/"type":"file-/);
    expect(text).not.toContain('green-640x360');
  }
  expect(socketBytes).toBeLessThan(size / 10);
  for (const request of rec.http) {
    expect(request).not.toContain('green-640x360');
    expect(request.length).toBeLessThan(16 * 1024);
  }
  for (const person of [host, ann]) expect(person.errors).toEqual([]);
});
