import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clip } from './clip';

/** The request header a page's route adds to have its downloads of the clip paced. */
export const PACE_HEADER = 'x-lc-bench-pace';

export interface ClipServer {
  url: string;
  /** Paced downloads stop delivering (the page plays out what it has, then stalls). */
  freeze(): void;
  /** Paced downloads deliver at full speed from now on (the stall ends). */
  release(): void;
  close(): Promise<void>;
}

const CHUNK = 16 * 1024;
const TICK_MS = 50;

/**
 * Serves one clip over HTTP as a video URL would be served: CORS for any page and byte ranges
 * (Chromium cannot seek without them). Requests carrying PACE_HEADER are paced: each may run
 * only `leadSeconds` of media ahead of real time, so the page's buffer stays short and a
 * freeze makes it stall within seconds, which a full-speed download (Chromium reads many MB
 * ahead) never would. Chromium here stalls with 3-4 s still buffered and a seek starts at
 * the keyframe before its target, so the lead must be larger than both (10 s works).
 */
export function serveClip(clip: Clip, leadSeconds: number): Promise<ClipServer> {
  let frozenAt: number | null = null;
  let released = false;
  /** seconds of media a paced download that began at `since` may have delivered by now */
  const allowance = (since: number): number =>
    leadSeconds + Math.max(0, (frozenAt ?? Date.now()) - since) / 1000;
  const responses = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    const file = await open(clip.file, 'r');
    try {
      const { size } = await file.stat();
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      const start = range?.[1] ? Number(range[1]) : 0;
      const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(range ? 206 : 200, {
        'Content-Type': 'video/webm',
        'Accept-Ranges': 'bytes',
        'Content-Length': String(end - start + 1),
        ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
      });
      responses.add(res);
      const paced = req.headers[PACE_HEADER] !== undefined;
      const since = Date.now();
      let offset = start;
      const buffer = Buffer.alloc(CHUNK);
      while (offset <= end && !res.destroyed) {
        let limit = end + 1;
        if (paced && !released) {
          limit = Math.min(limit, start + Math.floor(allowance(since) * clip.bytesPerSecond));
        }
        if (offset >= limit) {
          await new Promise((r) => setTimeout(r, TICK_MS));
          continue;
        }
        const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, limit - offset), offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        if (!res.write(buffer.subarray(0, bytesRead))) await writable(res);
      }
      res.end();
    } finally {
      responses.delete(res);
      await file.close();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/${clip.file.split('/').at(-1)}`,
        freeze() {
          frozenAt ??= Date.now();
        },
        release() {
          released = true;
        },
        close() {
          for (const res of responses) res.destroy();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** Resolves when `res` can take more data or has closed. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
