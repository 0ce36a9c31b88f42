import type { Server } from 'node:http';

/**
 * The origins a browser may call us from: PUBLIC_ORIGIN, or loopback on the port actually
 * bound (known only after listen, hence a function of the server).
 */
export function acceptedOrigins(publicOrigin: string | undefined, server: Server): string[] {
  if (publicOrigin !== undefined) return [publicOrigin];
  const address = server.address();
  if (address === null || typeof address === 'string') return [];
  return [`http://localhost:${address.port}`, `http://127.0.0.1:${address.port}`];
}

export function isAcceptedOrigin(
  origin: string | undefined,
  publicOrigin: string | undefined,
  server: Server,
): boolean {
  return origin !== undefined && acceptedOrigins(publicOrigin, server).includes(origin);
}
