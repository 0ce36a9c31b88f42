import { PlayerError } from './player-adapter';

let fingerprintModule: Promise<typeof import('./file-fingerprint')> | null = null;

/**
 * The own-copy check (`file-fingerprint.ts`), fetched the first time an own copy is opened, so
 * the room's code does not carry it for rooms that never use one. A chunk that cannot be
 * fetched rejects with a sentence for people; the next call fetches again.
 */
export function loadFingerprint(): Promise<typeof import('./file-fingerprint')> {
  fingerprintModule ??= import('./file-fingerprint').catch(() => {
    fingerprintModule = null;
    throw new PlayerError(
      'unreachable',
      'The own-copy check could not be loaded. Check your connection and try again.',
    );
  });
  return fingerprintModule;
}
