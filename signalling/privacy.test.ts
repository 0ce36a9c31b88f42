import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roomReplySchema } from '../shared/http';
import { createLogger } from './log';
import { DB_FILE } from './store/lowdb-store';
import {
  api,
  connectSocket,
  joinedRoom,
  joinRoom,
  sessionCookieOf,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  uniqueUsername,
  wrongPin,
} from './testing/harness';

/** What docs/privacy.md promises about the server's logs and its database. */
const ADDRESS = '203.0.113.77';
const PEER_ADDRESS = '192.0.2.55';
const headers = { 'x-forwarded-for': ADDRESS };

async function signUp(server: TestServer) {
  const username = uniqueUsername('priv');
  const res = await api(server.url, 'POST', '/api/auth/register', {
    body: { username, password: TEST_PASSWORD },
    headers,
  });
  const cookie = sessionCookieOf(res);
  const socket = await connectSocket(server.url, cookie, { headers });
  return { username, cookie, socket };
}

describe('what the server keeps', () => {
  it('logs no secret, address, name or signal, and stores no address or signal', async () => {
    const lines: string[] = [];
    const server = await startTestServer({
      env: { TRUST_PROXY: 'loopback' },
      deps: { logger: createLogger('info', { write: (line: string) => lines.push(line) }) },
    });
    const host = await signUp(server);
    const guest = await signUp(server);
    const wrongLogin = await api(server.url, 'POST', '/api/auth/login', {
      body: { username: host.username, password: 'not the password' },
      headers,
    });
    expect(wrongLogin.status).toBe(401);
    const login = await api(server.url, 'POST', '/api/auth/login', {
      body: { username: host.username, password: TEST_PASSWORD },
      headers,
    });
    const loginCookie = sessionCookieOf(login);
    const created = await api(server.url, 'POST', '/api/rooms', {
      cookie: host.cookie,
      body: { name: 'Film night' },
      headers,
    });
    const room = roomReplySchema.parse(await created.json()).room;
    const hostAck = await joinedRoom(host.socket, room.id, room.pin);
    expect(await joinRoom(guest.socket, room.id, wrongPin(room))).toMatchObject({ ok: false });
    await joinedRoom(guest.socket, room.id, room.pin);
    const sdp = `v=0\r\na=candidate:1 1 udp 2122260223 ${PEER_ADDRESS} 54321 typ srflx\r\n`;
    const relayed = new Promise((resolve) => host.socket.once('signal', resolve));
    await guest.socket
      .timeout(3000)
      .emitWithAck('signal', { to: hostAck.self.peerId, data: { type: 'offer', sdp } });
    await relayed;
    const rotated = await api(server.url, 'POST', `/api/rooms/${room.id}/pin`, {
      cookie: host.cookie,
      headers,
    });
    const newPin = roomReplySchema.parse(await rotated.json()).room.pin;
    await api(server.url, 'POST', '/api/auth/logout', { cookie: loginCookie, headers });
    host.socket.close();
    guest.socket.close();
    await server.stop({ keepData: true });

    const log = lines.join('');
    const db = await readFile(join(server.dataDir, DB_FILE), 'utf8');
    expect(log).toMatch(/login failed/);
    expect(log).toMatch(/joined/);
    const tokens = [host.cookie, guest.cookie, loginCookie].map((c) => c.split('=')[1] ?? '');
    const pins = [`"${room.pin}"`, `"${newPin}"`];
    const never = [TEST_PASSWORD, ADDRESS, PEER_ADDRESS, ...tokens, ...pins];
    for (const secret of [...never, host.username, guest.username]) {
      expect(log).not.toContain(secret);
    }
    for (const secret of never) expect(db).not.toContain(secret);
    expect(db).not.toContain('54321 typ');
  });
});
