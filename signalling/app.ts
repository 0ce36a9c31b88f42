import http from 'node:http';
import express, { type Request, type Response } from 'express';
import type { Server } from 'socket.io';
import type { HealthReply } from '../shared/http';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/socket';
import { DeviceCookies } from './auth/device-cookie';
import { withUser } from './auth/require-user';
import { authRouter } from './auth/routes';
import { createSessionService } from './auth/sessions';
import { openBackend } from './backend';
import type { Config } from './config';
import { apiNotFound, errorHandler, HttpError } from './http/errors';
import { staticClient } from './http/static';
import { iceServersFor } from './ice';
import { childLogger, createLogger, type Logger } from './log';
import { ResumeTokens } from './realtime/resume';
import { attachHandlers, createSocketServer } from './realtime/socket-server';
import type { InterServerEvents, SocketData } from './realtime/types';
import { createRoomNotifier } from './rooms/notifier';
import { PinVault } from './rooms/pin-secret';
import { createRetentionRule } from './rooms/retention';
import { roomsRouter } from './rooms/routes';
import { createRoomService } from './rooms/service';
import { createUnusedRoomRule } from './rooms/unused';
import { clientAddress, trustedProxy } from './security/client-ip';
import { guardConnections, timeoutOptions } from './security/connections';
import { connectionBudget, openFileLimit } from './security/fd-limit';
import { securityHeaders } from './security/headers';
import { createLimits, type LimiterFactory } from './security/limits';
import { isAcceptedOrigin } from './security/origin';
import { createRequestGate } from './security/request-rate';
import type { Store } from './store/types';

export interface App {
  httpServer: http.Server;
  io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  /** Resolves with the base URL, e.g. http://127.0.0.1:3000 (port 0 picks a free port). */
  listen(): Promise<URL>;
  /** Closes sockets and the server, then waits for the store's pending writes. */
  close(): Promise<void>;
}

export interface AppDeps {
  store?: Store;
  logger?: Logger;
  /** Rate-limit counters; the backend's (memory, or Redis with REDIS_URL) unless given. */
  limiters?: LimiterFactory;
}

export const JSON_BODY_LIMIT = '16kb';
const SESSION_PRUNE_MS = 60_000;

export async function createApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const log = childLogger(logger, 'app');
  const backend = await openBackend(config, log, deps.store);
  const { store } = backend;
  const vault = new PinVault(backend.pinSecret);
  const limits = createLimits(config.limits, deps.limiters ?? backend.limiters);
  const sessions = createSessionService(
    store,
    config.sessionTtlSeconds,
    config.limits.sessionsPerUser,
  );
  const secureCookies = config.publicOrigin?.startsWith('https:') ?? false;

  const app = express();
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000;
  const httpServer = http.createServer(timeoutOptions(requestTimeoutMs), app);
  const addressOf = clientAddress(config.trustProxy);
  // Each part takes the ones before it: rooms tell people through the socket server's rooms,
  // and the handlers apply the room rules.
  const socketLog = childLogger(logger, 'socket');
  const io = createSocketServer({
    httpServer,
    publicOrigin: config.publicOrigin,
    sessions,
    addressOf,
    log: socketLog,
  });
  // Once Socket.IO has its listeners: the gate goes in front of them and of express.
  const requestGate = createRequestGate(
    { perSecond: config.requestRatePerAddress, burst: config.requestBurstPerAddress },
    addressOf,
    log,
  );
  requestGate.guard(httpServer);
  // The warning that goes with it is the entry point's to log, once per process (index.ts).
  const budget = connectionBudget(
    await openFileLimit(),
    config.connectionsPerAddress,
    config.maxConnections,
  );
  // After the gate, so that a refused request still counts as a connection's first.
  guardConnections(
    httpServer,
    {
      perAddress: config.connectionsPerAddress,
      total: budget.total,
      requestTimeoutMs,
      isTrustedProxy: trustedProxy(config.trustProxy),
    },
    log,
  );
  backend.attach(io);
  const notifier = createRoomNotifier(io, config.limits.pinWindowSeconds);
  const rooms = createRoomService(store, vault, limits, notifier, childLogger(logger, 'rooms'), {
    lock: backend.joinLock,
    graceSeconds: config.hostGraceSeconds,
  });
  const rt = attachHandlers({
    io,
    httpServer,
    sessions,
    rooms,
    limits,
    log: socketLog,
    joinLock: backend.joinLock,
    resume: new ResumeTokens(backend.pinSecret),
  });
  // Whichever request deleted a session (sign-out, the cap, expiry), its sockets are cut.
  sessions.onRemoved((hashes) => {
    for (const h of hashes) rt.sessionRevoked(h);
  });

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config.publicOrigin, httpServer, config.staticDir));

  const api = express.Router();
  api.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  // Cookies are SameSite=Lax, but a foreign Origin on a state change is refused outright.
  api.use((req: Request, _res: Response, next) => {
    const origin = req.headers.origin;
    const unsafe = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    if (
      unsafe &&
      origin !== undefined &&
      !isAcceptedOrigin(origin, config.publicOrigin, httpServer)
    ) {
      throw new HttpError(403, 'forbidden', 'requests from other sites are refused');
    }
    next();
  });
  api.get('/health', (req, res) => {
    // The server's own share of the check's time, from the gate on (a wait for its turn
    // included): what a monitor, or bench/abuse, can tell apart from the network's and its own.
    const arrived = requestGate.arrivedAt(req);
    if (arrived !== undefined) {
      res.set('Server-Timing', `app;dur=${(performance.now() - arrived).toFixed(1)}`);
    }
    const body: HealthReply = { ok: true };
    res.json(body);
  });
  api.use(
    '/auth',
    authRouter({
      store,
      sessions,
      devices: new DeviceCookies(backend.pinSecret, secureCookies),
      limits,
      bcryptCost: config.bcryptCost,
      sessionTtlSeconds: config.sessionTtlSeconds,
      secureCookies,
      log: childLogger(logger, 'auth'),
    }),
  );
  api.use('/rooms', roomsRouter(sessions, rooms));
  api.get(
    '/ice',
    withUser(sessions, async (_req, res, { user }) => {
      res.set('Cache-Control', 'no-store').json({ iceServers: iceServersFor(config, user.id) });
    }),
  );
  api.use(apiNotFound);
  api.use(errorHandler(childLogger(logger, 'http')));
  app.use('/api', api);

  app.use(staticClient(config.staticDir));
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });
  app.use(errorHandler(childLogger(logger, 'http')));

  const pruneTimer = setInterval(() => {
    sessions.prune().catch((err: unknown) => log.error({ err }, 'session prune failed'));
  }, SESSION_PRUNE_MS);
  pruneTimer.unref();
  await sessions.prune();
  // Every node sweeps: rooms whose host left before a restart or on another node close too.
  const hostAwaySweep = rooms.hostAway.start();
  const retentionSweep = createRetentionRule({
    store,
    limits,
    retentionDays: config.roomRetentionDays,
    log: childLogger(logger, 'rooms'),
  }).start();
  const unusedSweep = createUnusedRoomRule({
    store,
    limits,
    notifier,
    lock: backend.joinLock,
    hours: config.roomUnusedHours,
    log: childLogger(logger, 'rooms'),
  }).start();

  return {
    httpServer,
    io,
    listen: () =>
      new Promise<URL>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address();
          const port = typeof address === 'object' && address !== null ? address.port : config.port;
          const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host)
            ? '127.0.0.1'
            : config.host;
          resolve(new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}`));
        });
      }),
    close: async () => {
      clearInterval(pruneTimer);
      requestGate.close();
      await Promise.all([hostAwaySweep.stop(), retentionSweep.stop(), unusedSweep.stop()]);
      backend.shuttingDown();
      await rt.close();
      await backend.close();
    },
  };
}
