/** A person's sound on this device: the volume (0–1) and whether they muted it. */
export interface Sound {
  volume: number;
  muted: boolean;
}

const PREFIX = 'lc.sound.';

/**
 * Volume and mute, remembered per user on this device (localStorage), so a reload or the next
 * room sounds as the person left it. Whatever the storage holds is checked, never trusted.
 */
export class SoundMemory {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'>) {}

  recall(userId: string): Sound | null {
    let value: unknown;
    try {
      value = JSON.parse(this.storage.getItem(PREFIX + userId) ?? 'null');
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null) return null;
    const { volume, muted } = value as Record<string, unknown>;
    if (typeof volume !== 'number' || !Number.isFinite(volume) || typeof muted !== 'boolean') {
      return null;
    }
    return { volume: Math.min(1, Math.max(0, volume)), muted };
  }

  remember(userId: string, sound: Sound): void {
    try {
      this.storage.setItem(PREFIX + userId, JSON.stringify(sound));
    } catch {
      // Storage full or refused (private mode): the sound is simply not remembered.
    }
  }
}
