import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/**
 * Structured JSON logs. Handlers never pass secrets, but anything that slips into these
 * fields is censored rather than written.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'liveconnect' },
      redact: {
        paths: [
          'password',
          'pin',
          'token',
          'cookie',
          'text',
          '*.password',
          '*.pin',
          '*.token',
          '*.cookie',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type LogNamespace = 'app' | 'auth' | 'rooms' | 'socket' | 'http';

export function childLogger(logger: Logger, ns: LogNamespace): Logger {
  return logger.child({ ns });
}
