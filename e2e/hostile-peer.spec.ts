import { INCOMING_BURST, INCOMING_RATE_PER_SECOND } from '../client/mesh/peer-link';
import { CONTROL_BURST, CONTROL_PER_SECOND } from '../client/sync/host-sync';
import { PEER_MESSAGE_MAX_BYTES } from '../shared/peer-messages';
import { serveClips } from './clip-server';
import { CLIPS } from './clips';
import { expect, test } from './fixtures';
import { chatLines, deliverMarker, expectResponsive } from './hostile';
import { joinAsNodePeer } from './node-peer';
import { loadUrl, sample, shownVideo } from './playback';
import { chatLog, createRoom, expectMesh, joinRoom, peopleList, sendChat } from './room';

const FLOOD_SIZE = 5000;

/** A guest posing as the host: a playing source of each kind and a made-up chat history. */
function forgeHostMessages(json: (value: unknown) => void, hostName: string, t: number): void {
  for (const source of [
    { kind: 'stream', name: 'FORGED-SOURCE', duration: 3600 },
    { kind: 'url', url: 'https://forged.example/FORGED-SOURCE.webm' },
  ]) {
    json({
      type: 'sync',
      seq: 99,
      source,
      paused: false,
      position: 1234,
      rate: 1,
      at: t,
      guestControl: true,
    });
  }
  json({
    type: 'history',
    messages: [1, 2, 3].map((i) => ({
      id: `forged-${i}`,
      from: 'someone-else',
      name: hostName,
      text: `FORGED-HISTORY ${i}`,
      sentAt: t - 60_000,
    })),
  });
}

test('a hostile peer cannot crash, freeze, mislead or silence the others', async ({
  signUp,
  server,
}) => {
  const [host, guest] = await Promise.all([signUp('host'), signUp('guest')]);
  const access = await createRoom(host);
  await joinRoom(guest, access);
  await expectMesh(host.page, host, [guest]);
  await expectMesh(guest.page, guest, [host]);

  const hostile = await joinAsNodePeer(new URL(server.url), access);
  try {
    for (const person of [host, guest]) {
      const item = peopleList(person.page)
        .getByRole('listitem')
        .filter({ hasText: hostile.account.username });
      await expect(item.locator('.state')).toHaveText('connected', { timeout: 15_000 });
    }
    const hostPeer = hostile.members.find((m) => m.role === 'host');
    const guestPeer = hostile.members.find((m) => m.role === 'guest');
    if (!hostPeer || !guestPeer) throw new Error('the join ack lists no host or no guest');
    const toBoth = (data: string | Uint8Array): void => {
      hostile.send(hostPeer.peerId, data);
      hostile.send(guestPeer.peerId, data);
    };
    const json = (value: unknown): void => toBoth(JSON.stringify(value));
    const t = Date.now();

    // (1) Not JSON, and binary garbage (invalid UTF-8 too).
    for (const text of [
      '',
      'not json',
      '{"type":',
      '\u0000\uffff',
      'null',
      '[]',
      '"chat"',
      '1e309',
    ]) {
      toBoth(text);
    }
    toBoth(new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80]));
    toBoth(new TextEncoder().encode('{"type":"chat","id":"bin","text":"x","sentAt":'));
    // (2) Over the size limit, as text and as binary.
    toBoth(
      JSON.stringify({
        type: 'chat',
        id: 'big',
        text: 'O'.repeat(PEER_MESSAGE_MAX_BYTES),
        sentAt: t,
      }),
    );
    toBoth(new Uint8Array(PEER_MESSAGE_MAX_BYTES + 1).fill(0x7b));
    // (3) The right shapes with wrong types or out-of-range values, and deep nesting.
    json({ type: 'chat', id: 'bad-1', text: 123, sentAt: t });
    json({ type: 'chat', id: '', text: 'EMPTY-ID', sentAt: t });
    json({ type: 'chat', id: 'bad-2', text: 'NEGATIVE-TIME', sentAt: -1 });
    json({ type: 'chat', id: 'bad-3', text: 'X'.repeat(2001), sentAt: t });
    json({ type: 'chat', id: 'bad-4', text: 'NULL-TIME', sentAt: null });
    json({ type: 'nope', id: 'bad-5' });
    json({ type: 'ping', id: -1, t0: t });
    json({ type: 'hello', v: 1.5, name: 'x', role: 'host' });
    json({ type: 'buffering', buffering: 'yes' });
    json({ type: 'control', action: 'explode' });
    json({
      type: 'sync',
      seq: 1,
      source: { kind: 'none' },
      paused: false,
      position: 0,
      rate: 1e9,
      at: t,
      guestControl: true,
    });
    toBoth('{"__proto__":{"polluted":true},"type":"chat","id":"proto","text":"PROTO","sentAt":0}');
    toBoth(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    // (5) Forged host messages: a playing stream and a made-up chat history.
    forgeHostMessages(json, host.name, t);
    // (6) A control request to a guest, which only the host may act on.
    hostile.send(guestPeer.peerId, JSON.stringify({ type: 'control', action: 'play' }));
    // A valid line after all that proves the link still carries the attacker's messages, so
    // what follows was refused on its merits and not just throttled.
    json({ type: 'chat', id: 'marker-1', text: 'HOSTILE-MARKER one', sentAt: t });
    for (const person of [host, guest]) {
      await expect(chatLines(person, 'HOSTILE-MARKER one')).toHaveCount(1);
      await expectResponsive(person.page);
    }

    // (4) A flood of chat lines, as fast as the channel takes them.
    const floodStart = Date.now();
    for (let i = 0; i < FLOOD_SIZE; i += 1) {
      json({ type: 'chat', id: `flood-${i}`, text: `FLOOD#${i}`, sentAt: Date.now() });
    }
    // Mid-flood the pages still answer and the guest can still type.
    for (const person of [host, guest]) await expectResponsive(person.page);
    await sendChat(guest.page, 'guest during the flood');
    await Promise.all([hostile.drained(hostPeer.peerId), hostile.drained(guestPeer.peerId)]);
    // A last line arrives after every flood line.
    await deliverMarker(toBoth, [host, guest], 'marker-2', 'HOSTILE-MARKER two');
    const bound = INCOMING_BURST + (INCOMING_RATE_PER_SECOND * (Date.now() - floodStart)) / 1000;
    for (const person of [host, guest]) {
      const shown = await chatLines(person, 'FLOOD#').count();
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThanOrEqual(bound);
      expect(shown).toBeLessThan(FLOOD_SIZE / 4);
      await expectResponsive(person.page);
    }

    // The bucket has refilled: forged host messages are refused on their merits, not by the
    // throttle. A marker after them proves they were delivered.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    forgeHostMessages(json, host.name, Date.now());
    await deliverMarker(toBoth, [host, guest], 'marker-3', 'HOSTILE-MARKER three');

    // Nothing forged or invalid shows, and the guest's player still has nothing loaded.
    for (const person of [host, guest]) {
      const log = chatLog(person.page);
      for (const text of ['FORGED-HISTORY', 'EMPTY-ID', 'NEGATIVE-TIME', 'NULL-TIME', 'OOOO']) {
        await expect(log).not.toContainText(text);
      }
      await expect(person.page.locator('body')).not.toContainText('FORGED-SOURCE');
      await expect(person.page.locator('[aria-label="Now playing"]')).toHaveCount(0);
    }
    await expect(guest.page.getByText('The host has not chosen a video yet.')).toBeVisible();
    for (const person of [host, guest]) {
      expect(await person.page.evaluate(() => 'polluted' in {})).toBe(false);
    }

    // Everyone else's chat goes on, both ways.
    await expect(chatLines(host, 'guest during the flood')).toHaveCount(1);
    await sendChat(host.page, 'host after the flood');
    await sendChat(guest.page, 'guest after the flood');
    await expect(chatLines(guest, 'host after the flood')).toHaveCount(1);
    await expect(chatLines(host, 'guest after the flood')).toHaveCount(1);
    // The client drops bad messages silently (PeerLink counts them), so nothing is logged.
    expect(host.errors).toEqual([]);
    expect(guest.errors).toEqual([]);
  } finally {
    hostile.close();
  }
});

test('a hostile guest cannot take over the host’s playback', async ({ signUp, server }) => {
  const clips = await serveClips();
  const host = await signUp('host');
  const access = await createRoom(host);
  // A URL, not a streamed file: the Node peer has no media stack to take the stream's tracks.
  await loadUrl(host, clips.url(CLIPS.blue.file));
  const video = shownVideo(host.page);
  await expect
    .poll(() => sample(host.page).then((s) => !s.paused && s.position > 0.5), { timeout: 20_000 })
    .toBe(true);
  // Counts every seek the host's player makes from here on.
  await video.evaluate((v: HTMLVideoElement) => {
    const w = window as unknown as { seeks: number };
    w.seeks = 0;
    v.addEventListener('seeking', () => {
      w.seeks += 1;
    });
  });
  const seeks = () => host.page.evaluate(() => (window as unknown as { seeks: number }).seeks);
  const position = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);

  const hostile = await joinAsNodePeer(new URL(server.url), access).catch(async (err) => {
    await clips.close();
    throw err;
  });
  try {
    const hostPeer = hostile.members.find((m) => m.role === 'host');
    if (!hostPeer) throw new Error('the join ack lists no host');
    const toHost = (data: string): void => hostile.send(hostPeer.peerId, data);
    const send = (value: unknown): void => toHost(JSON.stringify(value));
    /** Every request sent before this has arrived at the host. */
    const delivered = (id: string) => deliverMarker(toHost, [host], id, `MARKER ${id}`);

    // Guests may not steer: nothing the hostile guest asks for happens.
    send({ type: 'control', action: 'pause' });
    send({ type: 'control', action: 'seek', position: 50 });
    await delivered('off');
    expect(await seeks()).toBe(0);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);
    expect(await position()).toBeLessThan(40);

    // Once the host allows it, malformed requests still change nothing...
    await host.page.getByLabel('Allow guests to control playback').check();
    toHost('{"type":"control","action":"seek","position":1e309}');
    for (const bad of [
      { type: 'control', action: 'seek' },
      { type: 'control', action: 'seek', position: -5 },
      { type: 'control', action: 'seek', position: '45' },
      { type: 'control', action: 'rewind', position: 45 },
    ]) {
      send(bad);
    }
    await delivered('bad');
    expect(await seeks()).toBe(0);
    // ...and after the bucket refills, a well-formed request works (so the flood below is
    // limited by the throttle, not refused for its shape).
    await host.page.waitForTimeout(1000 * (CONTROL_BURST / CONTROL_PER_SECOND));
    send({ type: 'control', action: 'seek', position: 45 });
    await expect.poll(position).toBeGreaterThan(44);
    await expect.poll(seeks).toBe(1);

    // A flood of seeks moves the host's player at a person's pace, no faster.
    const floodStart = Date.now();
    for (let i = 0; i < 500; i += 1) send({ type: 'control', action: 'seek', position: i % 40 });
    await hostile.drained(hostPeer.peerId);
    await delivered('flood');
    const bound = 1 + CONTROL_BURST + (CONTROL_PER_SECOND * (Date.now() - floodStart)) / 1000;
    expect(await seeks()).toBeLessThanOrEqual(bound);
    await expectResponsive(host.page);
    // The host is still in charge of its own player.
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await host.page.waitForTimeout(300);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    expect(host.errors).toEqual([]);
  } finally {
    hostile.close();
    await clips.close();
  }
});
