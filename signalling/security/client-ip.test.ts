import { afterEach, describe, expect, it } from 'vitest';
import {
  api,
  codeOf,
  createRoom,
  joinRoom,
  registerUser,
  socketPool,
  startTestServer,
  type TestServer,
  wrongPin,
} from '../testing/harness';

let server: TestServer;
const sockets = socketPool();
afterEach(async () => {
  sockets.closeAll();
  await server.stop();
});

const failLogin = (forwardedFor: string) =>
  api(server.url, 'POST', '/api/auth/login', {
    body: { username: 'nobody_here', password: 'wrong password' },
    headers: { 'x-forwarded-for': forwardedFor },
  });

async function wrongPinFrom(forwardedFor: string, roomId: string, pin: string) {
  const s = await sockets.connect(server.url, await registerUser(server.url), {
    headers: { 'x-forwarded-for': forwardedFor },
  });
  return codeOf(await joinRoom(s, roomId, pin));
}

async function roomFor() {
  const room = await createRoom(server.url, await registerUser(server.url));
  return { id: room.id, wrong: wrongPin(room) };
}

describe('the client address the limits see', () => {
  it('comes from X-Forwarded-For when TRUST_PROXY trusts the proxy', async () => {
    server = await startTestServer({
      env: {
        TRUST_PROXY: 'loopback',
        AUTH_LIMIT_PER_IP: '100',
        AUTH_LIMIT_PER_USERNAME: '100',
        PIN_LIMIT_PER_IP: '1',
      },
    });
    const room = await roomFor();
    expect(await wrongPinFrom('203.0.113.5', room.id, room.wrong)).toBe('wrong_pin');
    expect(await wrongPinFrom('203.0.113.5', room.id, room.wrong)).toBe('rate_limited');
    expect(await wrongPinFrom('203.0.113.6', room.id, room.wrong)).toBe('wrong_pin');
  });

  it('ignores X-Forwarded-For by default', async () => {
    server = await startTestServer({ env: { AUTH_LIMIT_PER_IP: '2' } });
    expect((await failLogin('203.0.113.5')).status).toBe(401);
    expect((await failLogin('203.0.113.6')).status).toBe(401);
    expect((await failLogin('203.0.113.7')).status).toBe(429);
  });

  it('separates addresses over HTTP behind a trusted proxy', async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', AUTH_LIMIT_PER_IP: '2' } });
    expect((await failLogin('203.0.113.5')).status).toBe(401);
    expect((await failLogin('203.0.113.5')).status).toBe(401);
    expect((await failLogin('203.0.113.5')).status).toBe(429);
    expect((await failLogin('203.0.113.6')).status).toBe(401);
  });
});
