import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roomListReplySchema, roomReplySchema } from '../../shared/http';
import { joinSuccessSchema } from '../../shared/socket';
import { PIN_SECRET_FILE } from '../rooms/pin-secret';
import { api, connectSocket, registerUser, startTestServer } from '../testing/harness';
import { DB_FILE } from './lowdb-store';

describe('a restart on the same DATA_DIR', () => {
  it('keeps accounts, sessions and open rooms, and stores no secret in the database', async () => {
    const first = await startTestServer();
    const { dataDir } = first;
    const host = await registerUser(first.url);
    const created = await api(first.url, 'POST', '/api/rooms', {
      cookie: host.cookie,
      body: { name: 'Kept' },
    });
    const room = roomReplySchema.parse(await created.json()).room;
    const gone = roomReplySchema.parse(
      await (await api(first.url, 'POST', '/api/rooms', { cookie: host.cookie, body: {} })).json(),
    ).room;
    await api(first.url, 'DELETE', `/api/rooms/${gone.id}`, { cookie: host.cookie });
    await first.stop({ keepData: true });

    const db = await readFile(join(dataDir, DB_FILE), 'utf8');
    const token = host.cookie.split('=')[1] ?? '';
    expect(db).not.toContain(token);
    expect(db).not.toContain(host.password);
    expect(db).not.toContain(`"${room.pin}"`);
    const secret = await stat(join(dataDir, PIN_SECRET_FILE));
    expect(secret.mode & 0o777).toBe(0o600);

    const second = await startTestServer({ dataDir });
    try {
      const me = await api(second.url, 'GET', '/api/auth/me', { cookie: host.cookie });
      expect(me.status).toBe(200);
      const login = await api(second.url, 'POST', '/api/auth/login', {
        body: { username: host.username, password: host.password },
      });
      expect(login.status).toBe(200);
      const listed = roomListReplySchema.parse(
        await (await api(second.url, 'GET', '/api/rooms', { cookie: host.cookie })).json(),
      ).rooms;
      expect(listed).toEqual([room]);

      const guest = await registerUser(second.url);
      const socket = await connectSocket(second.url, guest.cookie);
      try {
        joinSuccessSchema.parse(
          await socket.timeout(3000).emitWithAck('room:join', { roomId: room.id, pin: room.pin }),
        );
        const closed = await socket
          .timeout(3000)
          .emitWithAck('room:join', { roomId: gone.id, pin: gone.pin });
        expect(closed).toMatchObject({ ok: false, error: { code: 'room_closed' } });
      } finally {
        socket.close();
      }
    } finally {
      await second.stop();
    }
  });
});
