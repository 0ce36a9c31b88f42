import { loadOnce } from '../util/load-once';
import { PlayerError } from './player-adapter';

const loadModule = loadOnce(() => import('./file-fingerprint'));

/**
 * The own-copy check (`file-fingerprint.ts`), fetched the first time an own copy is opened, so
 * the room's code does not carry it for rooms that never use one. A chunk that cannot be
 * fetched rejects with a sentence for people; the next call fetches again.
 */
export function loadFingerprint(): Promise<typeof import('./file-fingerprint')> {
  return loadModule().catch(() => {
    throw new PlayerError(
      'unreachable',
      'The own-copy check could not be loaded. Check your connection and try again.',
    );
  });
}
