import type { IceServer } from '../../shared/http';

const KEY = 'lc.relayOnly';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** "Hide my address": this browser asked to connect through the relay only. */
export function relayOnlyWanted(storage: Store): boolean {
  return storage.getItem(KEY) === '1';
}

export function setRelayOnlyWanted(storage: Store, on: boolean): void {
  if (on) storage.setItem(KEY, '1');
  else storage.removeItem(KEY);
}

/** Whether relay-only can work here: a TURN entry that comes with credentials. */
export function offersRelay(servers: readonly IceServer[]): boolean {
  return servers.some(
    (s) =>
      s.username !== undefined &&
      s.credential !== undefined &&
      (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)),
  );
}
