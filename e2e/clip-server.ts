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
   * The same clip through a path that sends its first `heldAfterBytes` and then holds every
   * further byte until release(): a player on it runs dry there and buffers.
   */
  heldUrl(file: string): string;
  /** Lets every held response go on, now and from now on. */
  release(): void;
  close(): Promise<void>;
}

export interface ClipServerOptions {
  heldAfterBytes?: number;
}

/**
 * The clips over plain HTTP on another local origin, as a web server would offer a video URL:
 * CORS for any page, and byte ranges, without which Chromium cannot seek.
 */
export function serveClips(options: ClipServerOptions = {}): Promise<ClipServer> {
  const heldAfter = options.heldAfterBytes ?? Number.POSITIVE_INFINITY;
  let released = false;
  const waiting: Array<() => void> = [];
  const whenReleased = (): Promise<void> =>
    released ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
  const responses = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const held = path.startsWith('/held/');
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
    const rest = (from: number): void => {
      if (from > end) {
        res.end();
        return;
      }
      void whenReleased().then(() => {
        if (!res.destroyed) createReadStream(file, { start: from, end }).pipe(res);
      });
    };
    const freeEnd = held ? Math.min(end, heldAfter - 1) : end;
    if (freeEnd < start) {
      rest(start);
      return;
    }
    const free = createReadStream(file, { start, end: freeEnd });
    free.pipe(res, { end: false });
    free.on('end', () => rest(freeEnd + 1));
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
