import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CONFIG_DOCS } from './config';

/** docs/configuration.md's variable table is rendered from CONFIG_VARIABLES (as CONFIG_DOCS), so the two cannot drift. */
export const CONFIG_DOC_PATH = new URL('../docs/configuration.md', import.meta.url);
const BEGIN = '<!-- config-table:begin (npm run docs:config) -->';
const END = '<!-- config-table:end -->';

const cell = (s: string) => s.replaceAll('|', '\\|');

export function renderConfigTable(): string {
  const rows = CONFIG_DOCS.map((d) => [
    `\`${d.name}\``,
    `\`${cell(d.default)}\``,
    cell(d.description),
    `\`${cell(d.example)}\``,
  ]);
  const header = ['variable', 'default', 'meaning', 'example'];
  // Padded as Biome formats Markdown tables, so `biome check` and this table agree.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [BEGIN, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), END].join(
    '\n',
  );
}

/** The document with its table replaced by the current one. */
export function withCurrentTable(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`${CONFIG_DOC_PATH.pathname} lacks the table markers`);
  return doc.slice(0, start) + renderConfigTable() + doc.slice(end + END.length);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = readFileSync(CONFIG_DOC_PATH, 'utf8');
  writeFileSync(CONFIG_DOC_PATH, withCurrentTable(doc));
}
