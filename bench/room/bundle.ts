import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

/**
 * What the client bundle is made of: builds it in memory with the project's vite.config.ts and
 * attributes every byte of each minified chunk, through its source map, to an npm package or app
 * folder. A group's gzip figure gzips its bytes on their own, so it is an estimate (gzip over the
 * whole chunk shares one dictionary); the chunk totals are exact.
 * Run: `npx tsx bench/room/bundle.ts`; with `--files`, our own code is credited per source file
 * (packages stay one group each), to see which modules of ours weigh.
 */

const perFile = process.argv.includes('--files');

function groupOf(id: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
  if (pkg?.[1]) return pkg[1];
  if (perFile) {
    const file = /(?:^|\/)((?:client|shared)\/.+)$/.exec(id);
    if (file?.[1]) return file[1];
  }
  const app = /(?:^|\/)(client|shared)\/(?:([^/]+)\/)?/.exec(id);
  if (app?.[1]) return app[2] ? `${app[1]}/${app[2]}` : app[1];
  return 'bundler runtime';
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one source-map segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The chunk's code cut into runs, each credited to the group of the source it maps to. */
function bytesByGroup(code: string, map: Rolldown.SourceMap): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const credit = (group: string, text: string) => {
    const parts = groups.get(group);
    if (parts) parts.push(text);
    else groups.set(group, [text]);
  };
  let source = 0;
  const lines = code.split('\n');
  map.mappings.split(';').forEach((mapped, index) => {
    const line = lines[index] ?? '';
    let column = 0;
    let group = 'unmapped';
    for (const segment of mapped.split(',').filter(Boolean)) {
      const [columnDelta = 0, sourceDelta] = decodeSegment(segment);
      const next = column + columnDelta;
      credit(group, line.slice(column, next));
      column = next;
      if (sourceDelta !== undefined) {
        source += sourceDelta;
        group = groupOf(map.sources[source] ?? '');
      } else {
        group = 'unmapped';
      }
    }
    credit(group, `${line.slice(column)}\n`);
  });
  return groups;
}

const gzip = (code: string) => gzipSync(code, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const chunks: Rolldown.OutputChunk[] = [];
await build({
  logLevel: 'silent',
  build: { write: false, sourcemap: true },
  plugins: [
    {
      name: 'collect-chunks',
      generateBundle(_options, bundle) {
        for (const item of Object.values(bundle)) if (item.type === 'chunk') chunks.push(item);
      },
    },
  ],
});

let total = 0;
for (const chunk of chunks) {
  const chunkGzip = gzip(chunk.code);
  total += chunkGzip;
  const kind = chunk.isEntry ? 'initial' : 'on demand';
  console.log(`\n${chunk.fileName} (${kind}): ${kb(chunk.code.length)}, gzip ${kb(chunkGzip)}`);
  if (!chunk.map) continue;
  const rows = [...bytesByGroup(chunk.code, chunk.map)].map(([name, parts]) => {
    const text = parts.join('');
    return { name, bytes: text.length, gzip: gzip(text) };
  });
  for (const row of rows.sort((a, b) => b.bytes - a.bytes)) {
    if (row.bytes < 100) continue;
    const share = `${((row.bytes / chunk.code.length) * 100).toFixed(0)} %`;
    console.log(
      `  ${row.name.padEnd(perFile ? 40 : 28)} ${kb(row.bytes).padStart(9)} ${share.padStart(5)}  gzip ${kb(row.gzip).padStart(8)}`,
    );
  }
}
console.log(`\nall chunks, gzip: ${kb(total)}`);

// Issue 11's budgets, counted as bench/room/run.ts does: the first page is the entry with its
// static imports; the room adds the room page's chunk with its static imports; chunks one
// source kind fetches on demand count in neither.
const byName = new Map(chunks.map((c) => [c.fileName, c]));
const closure = (start: Rolldown.OutputChunk[], into = new Set<string>()): Set<string> => {
  for (const chunk of start) {
    if (into.has(chunk.fileName)) continue;
    into.add(chunk.fileName);
    closure(
      chunk.imports.flatMap((f) => byName.get(f) ?? []),
      into,
    );
  }
  return into;
};
const gzipOf = (files: Set<string>) =>
  [...files].reduce((n, f) => n + gzip(byName.get(f)?.code ?? ''), 0);
const firstPage = closure(chunks.filter((c) => c.isEntry));
const room = closure(
  chunks.filter((c) => c.name === 'lc-room'),
  new Set(firstPage),
);
console.log(`first page, gzip: ${kb(gzipOf(firstPage))} (budget 25.0 KB)`);
console.log(`room without on-demand chunks, gzip: ${kb(gzipOf(room))} (budget 60.0 KB)`);
