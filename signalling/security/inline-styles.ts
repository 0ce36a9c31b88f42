import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * CSP hashes ('sha256-…') of the <style> blocks in the built index.html, so the page's own
 * inline styles apply without 'unsafe-inline'. Re-read when the file changes (a rebuild).
 */
export function inlineStyleHashes(indexFile: string): () => string[] {
  let mtime = -1;
  let hashes: string[] = [];
  return () => {
    let current: number;
    try {
      current = statSync(indexFile).mtimeMs;
    } catch {
      return [];
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
