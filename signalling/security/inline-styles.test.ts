import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineStyleHashes, STYLE_CHECK_MS } from './inline-styles';

const dir = mkdtempSync(join(tmpdir(), 'lc-styles-'));
afterEach(() => rmSync(join(dir, 'index.html'), { force: true }));

const hashOf = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

function build(css: string, mtimeSeconds: number): void {
  const file = join(dir, 'index.html');
  writeFileSync(file, `<!doctype html><style>${css}</style>`);
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('inline style hashes', () => {
  it('looks at the file at most once a second and picks up a rebuild after that', () => {
    let clock = 0;
    const hashes = inlineStyleHashes(join(dir, 'index.html'), () => clock);
    build('a {}', 1000);
    expect(hashes()).toEqual([hashOf('a {}')]);
    build('b {}', 2000);
    // Within the second the file is not looked at: every response in between reuses the hashes.
    clock += STYLE_CHECK_MS - 1;
    expect(hashes()).toEqual([hashOf('a {}')]);
    clock += 1;
    expect(hashes()).toEqual([hashOf('b {}')]);
  });

  it('gives none while there is no built page', () => {
    const hashes = inlineStyleHashes(join(dir, 'index.html'), () => 0);
    expect(hashes()).toEqual([]);
  });
});
