import http from 'node:http';

/**
 * Loopback is all of 127/8 on Linux: a client that binds another 127.x.y.z source address is,
 * to the server, another address. No proxy is trusted, so the server's limits per address see
 * these exactly as they would see the internet.
 */
export function loopbackAddress(block: number, n: number): string {
  return `127.${block}.${(n >> 8) & 255}.${n & 255 || 1}`;
}

export interface Reply {
  status: number;
  body: string;
  setCookie: string[];
  /** The server's own time for the request, from its `Server-Timing: app;dur=` (ms). */
  serverMs?: number;
}

/**
 * One request on a connection of its own from `localAddress`, as a newcomer would make it;
 * status 0 when the connection was refused, cut or timed out.
 */
export function request(
  base: URL,
  localAddress: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { origin: base.origin };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers,
        localAddress,
        agent: false,
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            setCookie: res.headers['set-cookie'] ?? [],
            serverMs: serverMs(res.headers['server-timing']),
          }),
        );
        res.on('error', () => resolve({ status: 0, body: '', setCookie: [] }));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '', setCookie: [] }));
    req.end(body);
  });
}

/** The `app;dur=` of a `Server-Timing` header, in ms. */
function serverMs(header: string | string[] | undefined): number | undefined {
  const dur = /\bapp;dur=([\d.]+)/.exec([header ?? ''].flat().join(','))?.[1];
  return dur === undefined ? undefined : Number(dur);
}

/** The `name=value` of the reply's cookie `name` (the session's by default), or ''. */
export const cookieOf = (reply: Reply, name = 'lc_session'): string =>
  reply.setCookie.find((c) => c.startsWith(`${name}=`))?.split(';')[0] ?? '';
