import { createApp } from './app';
import { type Config, loadConfig } from './config';
import { createLogger } from './log';
import { connectionBudget, openFileLimit } from './security/fd-limit';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const app = await createApp(config, { logger });
const url = await app.listen();
logger.info({ url: url.origin, dataDir: config.dataDir }, `LiveConnect listening on ${url.origin}`);
const { warning } = connectionBudget(
  await openFileLimit(),
  config.connectionsPerAddress,
  config.maxConnections,
);
if (warning !== undefined) logger.warn(warning);

let closing = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  app.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
