import { afterEach, describe, expect, it } from 'vitest';
import { roomReplySchema } from '../../shared/http';
import {
  api,
  type ClientSocket,
  connectSocket,
  registerUser,
  startTestServer,
  type TestServer,
} from '../testing/harness';

let server: TestServer;
const sockets: ClientSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server.stop();
});

const failLogin = (forwardedFor: string) =>
  api(server.url, 'POST', '/api/auth/login', {
    body: { username: 'nobody_here', password: 'wrong password' },
    headers: { 'x-forwarded-for': forwardedFor },
  });

async function wrongPinFrom(forwardedFor: string, roomId: string, pin: string) {
  const account = await registerUser(server.url);
  const s = await connectSocket(server.url, account.cookie, {
    headers: { 'x-forwarded-for': forwardedFor },
  });
  sockets.push(s);
  const ack = await s.timeout(3000).emitWithAck('room:join', { roomId, pin });
  return ack.ok ? 'ok' : ack.error.code;
}

async function roomFor() {
  const host = await registerUser(server.url);
  const res = await api(server.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} });
  const room = roomReplySchema.parse(await res.json()).room;
  return { id: room.id, wrong: room.pin === '000000' ? '000001' : '000000' };
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
