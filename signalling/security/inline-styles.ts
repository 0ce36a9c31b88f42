import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * How often the file's mtime is looked at. Every response carries the CSP, so a stat per
 * response was a synchronous system call on the event loop for each request, floods included
 * (about 3 % of a node's time answering refused requests in bench/abuse's profile).
 */
export const STYLE_CHECK_MS = 1000;

/**
 * CSP hashes ('sha256-…') of the <style> blocks in the built index.html, so the page's own
 * inline styles apply without 'unsafe-inline'. Re-read when the file changes (a rebuild),
 * seen within STYLE_CHECK_MS.
 */
export function inlineStyleHashes(indexFile: string, now = Date.now): () => string[] {
  let mtime = -1;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let hashes: string[] = [];
  return () => {
    if (now() - checkedAt < STYLE_CHECK_MS) return hashes;
    checkedAt = now();
    let current: number;
    try {
      current = statSync(indexFile).mtimeMs;
    } catch {
      mtime = -1;
      hashes = [];
      return hashes;
    }
    if (current !== mtime) {
      mtime = current;
      const html = readFileSync(indexFile, 'utf8');
      hashes = [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map(
        (m) =>
          `'sha256-${createHash('sha256')
            .update(m[1] ?? '')
            .digest('base64')}'`,
      );
    }
    return hashes;
  };
}
