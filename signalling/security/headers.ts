import type { Server } from 'node:http';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { inlineStyleHashes } from './inline-styles';
import { acceptedOrigins } from './origin';

/**
 * helmet with an explicit CSP. YouTube's iframe API needs its script and frame hosts; direct
 * video URLs and HLS manifests may live on any host, hence media and connect to https:.
 * style-src has no 'unsafe-inline': Lit applies component styles through adoptedStyleSheets,
 * which CSP does not govern, and index.html's own <style> blocks are allowed by hash.
 */
export function securityHeaders(
  publicOrigin: string | undefined,
  server: Server,
  staticDir: string,
): RequestHandler {
  const styleHashes = inlineStyleHashes(join(staticDir, 'index.html'));
  const https = publicOrigin?.startsWith('https:') ?? false;
  // Per request: without PUBLIC_ORIGIN the port is known only once the server listens.
  const socketOrigins = (): string =>
    acceptedOrigins(publicOrigin, server)
      .map((o) => o.replace(/^http/, 'ws'))
      .join(' ');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'https://www.youtube.com', 'https://s.ytimg.com'],
        frameSrc: ['https://www.youtube.com', 'https://www.youtube-nocookie.com'],
        mediaSrc: ["'self'", 'blob:', 'https:', 'http:'],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        // hls.js fetches playlists and segments, from wherever <video> may play them (media-src).
        connectSrc: ["'self'", socketOrigins, 'https:', 'http:'],
        styleSrc: ["'self'", () => styleHashes().join(' ')],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Over plain http (loopback, LAN) HSTS would only confuse; with an https origin it is wanted.
    strictTransportSecurity: https,
  });
}
