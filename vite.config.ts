import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The client lives in client/ and is served by the signalling server from dist/client.
export default defineConfig({
  root: 'client',
  publicDir: false,
  resolve: {
    // simple-peer's debug logging, off in every browser that has not set localStorage.debug.
    alias: { debug: fileURLToPath(new URL('client/vendor/debug-off.ts', import.meta.url)) },
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    // No source maps in what the server serves (bench/room/bundle.ts builds its own with maps).
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
