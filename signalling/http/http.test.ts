import { createHash, createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '../../shared/errors';
import { iceReplySchema } from '../../shared/http';
import { api, registerUser, startTestServer, type TestServer } from '../testing/harness';

let server: TestServer;
let staticDir: string;
const INLINE_STYLE = 'body { margin: 0; }';

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'lc-static-'));
  await mkdir(join(staticDir, 'assets'));
  await writeFile(
    join(staticDir, 'index.html'),
    `<!doctype html><style>${INLINE_STYLE}</style><title>LiveConnect</title><lc-app></lc-app>`,
  );
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  await writeFile(join(staticDir, 'assets', 'file-worker-AbC_1.js'), 'self.onfetch = null;');
  await writeFile(join(staticDir, 'assets', 'app.js.map'), '{"version":3,"sources":[]}');
  server = await startTestServer({
    env: {
      STATIC_DIR: staticDir,
      STUN_URLS: 'stun:stun.example:3478',
      TURN_URLS: 'turn:turn.example:3478',
      TURN_SECRET: 'turn-secret',
      TURN_TTL: '600',
    },
  });
});
afterAll(async () => {
  await server.stop();
  await rm(staticDir, { recursive: true, force: true });
});

async function envelope(res: Response) {
  return errorEnvelopeSchema.parse(await res.json()).error;
}

describe('HTTP basics', () => {
  it('answers the health check', async () => {
    const res = await api(server.url, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    // The server's own time for it, for monitors and bench/abuse.
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d$/);
  });

  it('sends a strict CSP and the other helmet headers', async () => {
    const res = await api(server.url, 'GET', '/');
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual([
      "'self'",
      'https://www.youtube.com',
      'https://s.ytimg.com',
    ]);
    // What the player needs: the host's file as a blob: URL, YouTube's iframe API and frame.
    expect(directives.get('media-src')).toContain('blob:');
    expect(directives.get('frame-src')).toContain('https://www.youtube.com');
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toContain(`ws://127.0.0.1:${server.url.port}`);
    // hls.js fetches an HLS URL's playlist and segments from wherever a <video> may play.
    expect(directives.get('connect-src')).toEqual(
      expect.arrayContaining(directives.get('media-src')?.filter((s) => s !== 'blob:') ?? []),
    );
    const styles = directives.get('style-src') ?? [];
    expect(styles).not.toContain("'unsafe-inline'");
    const hash = createHash('sha256').update(INLINE_STYLE).digest('base64');
    expect(styles).toContain(`'sha256-${hash}'`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('turns malformed JSON into a 400 envelope without a stack trace', async () => {
    const res = await fetch(new URL('/api/auth/login', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.js|SyntaxError/);
    expect(errorEnvelopeSchema.parse(JSON.parse(text)).error.code).toBe('bad_request');
  });

  it('refuses a body over the limit', async () => {
    const res = await api(server.url, 'POST', '/api/auth/register', {
      body: { username: 'someone', password: 'x'.repeat(20_000) },
    });
    expect(res.status).toBe(413);
    expect((await envelope(res)).code).toBe('bad_request');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await api(server.url, 'GET', '/api/nothing/here');
    expect(res.status).toBe(404);
    expect((await envelope(res)).code).toBe('not_found');
  });

  it('refuses a state change from a foreign Origin', async () => {
    const res = await api(server.url, 'POST', '/api/auth/logout', {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    const own = await api(server.url, 'POST', '/api/auth/logout', {
      headers: { origin: server.origin },
    });
    expect(own.status).toBe(204);
  });

  it('opens no Socket.IO long-polling session, from any Origin', async () => {
    const path = '/socket.io/?EIO=4&transport=polling';
    for (const origin of ['https://evil.example', server.origin]) {
      const res = await api(server.url, 'GET', path, { headers: { origin } });
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain('"sid"');
    }
  });

  it('serves the client and falls back to index.html for app routes', async () => {
    const asset = await api(server.url, 'GET', '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1);');
    for (const path of ['/', '/lobby', '/room/abc-defg-hjk']) {
      const res = await api(server.url, 'GET', path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<lc-app>');
    }
    expect((await api(server.url, 'POST', '/lobby')).status).toBe(404);
  });

  it('lets the file worker, and no other script, control the whole origin', async () => {
    const worker = await api(server.url, 'GET', '/assets/file-worker-AbC_1.js');
    expect(worker.status).toBe(200);
    expect(worker.headers.get('service-worker-allowed')).toBe('/');
    const other = await api(server.url, 'GET', '/assets/app.js');
    expect(other.headers.get('service-worker-allowed')).toBeNull();
  });

  it('answers a shared file’s URL with 404, never the app: only a guest’s service worker serves it', async () => {
    const res = await api(server.url, 'GET', '/swarm-file/abc');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<lc-app>');
  });

  it('serves no source map, even one left in the client directory', async () => {
    const map = await api(server.url, 'GET', '/assets/app.js.map');
    expect(map.status).toBe(404);
    expect(await map.text()).not.toContain('sources');
  });
});

describe('ICE servers', () => {
  it('needs a session', async () => {
    expect((await api(server.url, 'GET', '/api/ice')).status).toBe(401);
  });

  it('hands out STUN and short-lived coturn REST credentials', async () => {
    const a = await registerUser(server.url);
    const before = Math.floor(Date.now() / 1000);
    const res = await api(server.url, 'GET', '/api/ice', { cookie: a.cookie });
    expect(res.status).toBe(200);
    const { iceServers } = iceReplySchema.parse(await res.json());
    expect(iceServers[0]).toEqual({ urls: ['stun:stun.example:3478'] });
    const turn = iceServers[1];
    expect(turn?.urls).toEqual(['turn:turn.example:3478']);
    const [expiry, userId] = (turn?.username ?? '').split(':');
    expect(userId).toBe(a.user.id);
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(600);
    expect(Number(expiry) - before).toBeLessThanOrEqual(602);
    const expected = createHmac('sha1', 'turn-secret')
      .update(turn?.username ?? '')
      .digest('base64');
    expect(turn?.credential).toBe(expected);
  });
});

describe('without a built client', () => {
  it('says so in a 503 page and keeps the API up', async () => {
    const bare = await startTestServer();
    try {
      const res = await api(bare.url, 'GET', '/lobby');
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/not built/);
      expect((await api(bare.url, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});
