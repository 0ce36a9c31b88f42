import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS } from './config';
import { CONFIG_DOC_PATH, withCurrentTable } from './config-docs';

describe('docs/configuration.md', () => {
  it('lists every environment variable with its current default (npm run docs:config)', () => {
    const doc = readFileSync(CONFIG_DOC_PATH, 'utf8');
    expect(doc).toBe(withCurrentTable(doc));
    for (const d of CONFIG_DOCS) expect(doc).toContain(`\`${d.name}\``);
  });
});
