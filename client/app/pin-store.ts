import { PIN_PATTERN } from '../../shared/ids';

const PREFIX = 'lc.pin.';

/**
 * PINs for rooms this tab has joined, so a reload can rejoin. sessionStorage keeps them to this
 * tab and drops them when it closes; they never go into a path or query string.
 */
export class PinStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  remember(roomId: string, pin: string): void {
    this.storage.setItem(PREFIX + roomId, pin);
  }

  recall(roomId: string): string | null {
    const pin = this.storage.getItem(PREFIX + roomId);
    return pin !== null && PIN_PATTERN.test(pin) ? pin : null;
  }

  forget(roomId: string): void {
    this.storage.removeItem(PREFIX + roomId);
  }
}

/** Reads `#pin=123456` from a location hash; anything else gives null. */
export function pinFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const pin = params.get('pin');
  return pin !== null && PIN_PATTERN.test(pin) ? pin : null;
}
