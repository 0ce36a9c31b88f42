/** What a key does to the player; null for keys the player leaves alone. */
export type PlayerKey =
  | 'toggle-play'
  | 'mute'
  | 'full-screen'
  | 'back'
  | 'forward'
  | 'louder'
  | 'quieter';

/** Seconds an arrow key seeks; volume an arrow key changes. */
export const SEEK_STEP_S = 5;
export const VOLUME_STEP = 0.1;

const KEYS: Record<string, PlayerKey> = {
  ' ': 'toggle-play',
  m: 'mute',
  M: 'mute',
  f: 'full-screen',
  F: 'full-screen',
  ArrowLeft: 'back',
  ArrowRight: 'forward',
  ArrowUp: 'louder',
  ArrowDown: 'quieter',
};

/** What has focus when a key is pressed: an element, as far as the player cares. */
export interface KeyTarget {
  readonly localName: string;
  /** An input's type. */
  readonly type?: string;
  readonly isContentEditable?: boolean;
}

/**
 * The player's meaning of a key pressed on `target`, or null: keys belong to a text field, to a
 * slider (its arrows) and to a button (its Space) when one has focus, and a key with a modifier
 * belongs to the browser.
 */
export function playerKey(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>,
  target: KeyTarget | null,
): PlayerKey | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const key = KEYS[event.key] ?? null;
  if (!key || !target) return key;
  const name = target.localName;
  // A focused <video controls> (the host's) handles its own keys.
  if (name === 'video') return null;
  if (name === 'textarea' || name === 'select' || target.isContentEditable) return null;
  if (name === 'input') {
    if (target.type !== 'range' && target.type !== 'checkbox') return null;
    return key === 'mute' || key === 'full-screen' ? key : null;
  }
  if ((name === 'button' || name === 'summary' || name === 'a') && key === 'toggle-play') {
    return null;
  }
  return key;
}
