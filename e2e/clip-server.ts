import { createReadStream, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join } from 'node:path';
import { CLIP_DIR } from './clips';

const TYPES: Record<string, string> = {
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
};

export interface ClipServer {
  /** The clip file's URL, by its path or name in CLIP_DIR. */
  url(file: string): string;
  /**
   * The same clip through a path that holds the bytes in `held` until release(): a player on
   * it runs dry there and buffers.
   */
  heldUrl(file: string): string;
  /** Lets every held response go on, now and from now on. */
  release(): void;
  close(): Promise<void>;
}

export interface ClipServerOptions {
  /**
   * Byte offsets [from, to) that heldUrl() sends only after release(). Leave the end of a WebM
   * free: Chromium reads its index (Cues) there before it plays at all.
   */
  held?: { from: number; to: number };
}

/**
 * The clips over plain HTTP on another local origin, as a web server would offer a video URL:
 * CORS for any page, and byte ranges, without which Chromium cannot seek.
 */
export function serveClips(options: ClipServerOptions = {}): Promise<ClipServer> {
  const held = options.held ?? { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  let released = false;
  const waiting: Array<() => void> = [];
  const whenReleased = (): Promise<void> =>
    released ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
  const responses = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const holding = path.startsWith('/held/');
    const file = join(CLIP_DIR, basename(path));
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range?.[1] ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      'Content-Length': String(end - start + 1),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    responses.add(res);
    res.on('close', () => responses.delete(res));
    // Sends [from, end]: at once up to the held range, the rest once released.
    const send = (from: number): void => {
      if (from > end || res.destroyed) {
        res.end();
        return;
      }
      if (holding && !released && from >= held.from && from < held.to) {
        void whenReleased().then(() => send(from));
        return;
      }
      const stop = holding && !released && from < held.from ? Math.min(end, held.from - 1) : end;
      const part = createReadStream(file, { start: from, end: stop });
      part.pipe(res, { end: false });
      part.on('end', () => send(stop + 1));
    };
    send(start);
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      resolve({
        url: (file) => `${base}/${basename(file)}`,
        heldUrl: (file) => `${base}/held/${basename(file)}`,
        release: () => {
          released = true;
          for (const go of waiting.splice(0)) go();
        },
        close: () =>
          new Promise((done) => {
            // Held responses would keep the server open forever.
            for (const res of responses) res.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
