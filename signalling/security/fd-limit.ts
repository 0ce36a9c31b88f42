import { readFile } from 'node:fs/promises';

/** File descriptors kept for what is not a client connection: the database, Redis, logs, static files. */
export const FD_RESERVE = 128;

/** The soft "Max open files" of /proc/self/limits; undefined if absent or unlimited. */
export function parseOpenFileLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  const soft = match?.[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}

/** This process's soft open-file limit on Linux; undefined elsewhere (no native module needed). */
export async function openFileLimit(): Promise<number | undefined> {
  try {
    return parseOpenFileLimit(await readFile('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

export interface ConnectionBudget {
  /** The cap on open connections: MAX_CONNECTIONS, or what the fd limit leaves. */
  total: number | undefined;
  /** Set when the fd limit is low for the caps: one line for the start-up log. */
  warning: string | undefined;
}

/** Addresses at CONNECTIONS_PER_IP that must fit before the limit counts as low. */
const ADDRESSES_AT_CAP = 20;

/**
 * Running out of descriptors fails everything at once (accepts, database writes, static
 * files), so connections stop short of the limit; and a limit that a few addresses at their
 * cap can fill is worth a warning.
 */
export function connectionBudget(
  fdLimit: number | undefined,
  perAddress: number,
  maxConnections: number | undefined,
): ConnectionBudget {
  if (fdLimit === undefined) return { total: maxConnections, warning: undefined };
  const room = Math.max(1, fdLimit - FD_RESERVE);
  const total = maxConnections ?? room;
  const low =
    total > room
      ? `MAX_CONNECTIONS=${total} is more than the open-file limit (${fdLimit}) leaves for connections (${room})`
      : room < ADDRESSES_AT_CAP * perAddress
        ? `${ADDRESSES_AT_CAP} addresses at CONNECTIONS_PER_IP=${perAddress} would fill the ${room} connections the open-file limit (${fdLimit}) leaves`
        : undefined;
  return {
    total,
    warning:
      low === undefined
        ? undefined
        : `open-file limit is low: ${low}; raise it (ulimit -n, systemd LimitNOFILE=65536, docker --ulimit nofile=65536) or put a proxy in front (docs/deploy.md)`,
  };
}
