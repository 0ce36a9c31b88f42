import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, parseAst, type Rolldown } from 'vite';

const vendor = (file: string) => fileURLToPath(new URL(`client/vendor/${file}`, import.meta.url));

/**
 * engine.io-client's table of transports names polling (XHR) and WebTransport beside WebSocket,
 * and its Socket reads that table, so all three are bundled although the client connects with
 * `transports: ['websocket']` only (client/mesh/signalling-client.ts). This plugin serves that
 * one module with WebSocket alone (about 3 KB gzip less); asking for another transport then
 * fails the way an unknown transport name does.
 */
function engineIoWebSocketOnly(): Plugin {
  const transports = /engine\.io-client\/build\/esm\/transports\/([\w-]+)\.js$/;
  return {
    name: 'engine.io-websocket-only',
    transform(code, id) {
      const file = transports.exec(id)?.[1];
      if (file === 'index') {
        return {
          code: 'import { WS } from "./websocket.js";\nexport const transports = { websocket: WS };\n',
          map: { mappings: '' },
        };
      }
      // socket.io-client re-exports the polling transports, and polling-xhr.js probes XHR and
      // listens for pagehide at load: said to have no side effects, they go when unused.
      if (file?.startsWith('polling')) return { code, moduleSideEffects: false };
      return null;
    },
  };
}

interface Node {
  type?: string;
  start?: number;
  end?: number;
  [key: string]: unknown;
}

/**
 * Drops the indentation after each line break in our Lit templates (html`…`, css`…`, svg`…`):
 * lines stay where they were, so source maps stay right line by line, and a run of white space
 * still renders as one (no template of ours has <pre> or <textarea>; the chat's pre-wrap text
 * is an expression). About 0.4 KB gzip.
 */
function litTemplateIndentation(): Plugin {
  return {
    name: 'lit-template-indentation',
    enforce: 'post',
    transform(code, id) {
      if (!/\/client\/.*\.ts$/.test(id) || id.includes('node_modules')) return null;
      if (!/\b(?:html|css|svg)`/.test(code)) return null;
      // Keyed by start: the walk may reach a node by more than one path.
      const cuts = new Map<number, [number, string]>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) for (const child of node) walk(child);
        if (!node || typeof node !== 'object') return;
        const n = node as Node;
        const tag = n.tag as Node | undefined;
        if (n.type === 'TaggedTemplateExpression' && tag?.type === 'Identifier') {
          if (['html', 'css', 'svg'].includes(tag.name as string)) {
            for (const q of (n.quasi as { quasis: Node[] }).quasis) {
              const raw = code.slice(q.start, q.end);
              const cut = raw.replace(/\n[ \t]+/g, '\n');
              if (cut !== raw) cuts.set(q.start as number, [q.end as number, cut]);
            }
          }
        }
        for (const key of Object.keys(n)) if (key !== 'type') walk(n[key]);
      };
      walk(parseAst(code));
      if (cuts.size === 0) return null;
      let out = '';
      let at = 0;
      for (const [start, [end, text]] of [...cuts].sort((a, b) => a[0] - b[0])) {
        out += code.slice(at, start) + text;
        at = end;
      }
      return { code: out + code.slice(at), map: null };
    },
  };
}

/**
 * simple-peer logs through `this._debug('…', …)` some 40 times, and its debug is a no-op here
 * (client/vendor/debug-off.ts), but the calls and their messages stay in the bundle. This plugin
 * replaces each call with `void 0` (keeping its line breaks, so source maps stay right), which
 * the minifier then drops; the arguments only read state. About 0.7 KB gzip.
 */
function simplePeerWithoutDebugCalls(): Plugin {
  return {
    name: 'simple-peer-without-debug-calls',
    transform(code, id) {
      if (!/@thaunknown\/simple-peer\/(lite|index)\.js$/.test(id)) return null;
      const calls = new Map<number, number>();
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) for (const child of node) walk(child);
        if (!node || typeof node !== 'object') return;
        const n = node as Node;
        const callee = n.callee as Node | undefined;
        const property = callee?.property as Node | undefined;
        if (
          n.type === 'CallExpression' &&
          callee?.type === 'MemberExpression' &&
          (callee.object as Node).type === 'ThisExpression' &&
          property?.name === '_debug'
        ) {
          calls.set(n.start as number, n.end as number);
          return;
        }
        for (const key of Object.keys(n)) if (key !== 'type') walk(n[key]);
      };
      walk(parseAst(code));
      let out = '';
      let at = 0;
      for (const [start, end] of [...calls].sort((a, b) => a[0] - b[0])) {
        const lineBreaks = code.slice(start, end).replace(/[^\n]/g, '');
        out += `${code.slice(at, start)}void 0${lineBreaks}`;
        at = end;
      }
      return { code: out + code.slice(at), map: null };
    },
  };
}

const ROOM_PAGE = fileURLToPath(new URL('client/pages/lc-room.ts', import.meta.url));

/**
 * Names the room's chunk for every module the room page imports statically, directly or not, so
 * they all load with it. Without this, rolldown moves what the room shares with the chunks it
 * fetches on demand (the host's side, the <video> and YouTube adapters) into a common chunk of its
 * own: one more request for every room and about 0.4 KB gzip more. The first page's modules are
 * taken by the group before this one.
 */
function roomChunk(): Rolldown.CodeSplittingNameFunction {
  const reached = new Set<string>();
  return (id, ctx) => {
    if (reached.size === 0) {
      const visit = (module: string): void => {
        if (reached.has(module)) return;
        reached.add(module);
        for (const next of ctx.getModuleInfo(module)?.importedIds ?? []) visit(next);
      };
      visit(ROOM_PAGE);
    }
    return reached.has(id) ? 'lc-room' : null;
  };
}

// The client lives in client/ and is served by the signalling server from dist/client.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [engineIoWebSocketOnly(), simplePeerWithoutDebugCalls(), litTemplateIndentation()],
  resolve: {
    alias: {
      // simple-peer's debug logging, off in every browser that has not set localStorage.debug.
      debug: vendor('debug-off.ts'),
      // The stream class simple-peer extends, without the stream machinery the room never uses;
      // held to streamx's behaviour by client/vendor/duplex-lite.test.ts.
      streamx: vendor('duplex-lite.ts'),
    },
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in what the server serves (bench/room/bundle.ts builds its own with maps).
    sourcemap: false,
    // Every browser the room needs (WebRTC, captureStream) preloads modules natively.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // What the first page loads stays in its one chunk, which every later chunk imports
            // from. Without this, rolldown moves what the host's chunk (fetched by the room's)
            // shares with the first page into a common chunk: a second request on the first page
            // and about 0.8 KB gzip more in import and export lists.
            { name: 'index', tags: ['$initial'] },
            { name: roomChunk() },
          ],
        },
      },
    },
  },
  // The file worker is one self-contained script: a service worker cannot load chunks.
  worker: { format: 'iife' },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
