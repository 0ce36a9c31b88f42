import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

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
        return 'import { WS } from "./websocket.js";\nexport const transports = { websocket: WS };\n';
      }
      // socket.io-client re-exports the polling transports, and polling-xhr.js probes XHR and
      // listens for pagehide at load: said to have no side effects, they go when unused.
      if (file?.startsWith('polling')) return { code, moduleSideEffects: false };
      return null;
    },
  };
}

// The client lives in client/ and is served by the signalling server from dist/client.
export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [engineIoWebSocketOnly()],
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
    sourcemap: true,
    // Every browser the room needs (WebRTC, captureStream) preloads modules natively.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
