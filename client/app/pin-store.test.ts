import { describe, expect, it } from 'vitest';
import { PinStore, pinFromFragment } from './pin-store';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('PinStore', () => {
  it('remembers, recalls and forgets per room', () => {
    const store = new PinStore(memoryStorage());
    store.remember('abc-defg-hjk', '123456');
    expect(store.recall('abc-defg-hjk')).toBe('123456');
    expect(store.recall('zzz-zzzz-zzz')).toBeNull();
    store.forget('abc-defg-hjk');
    expect(store.recall('abc-defg-hjk')).toBeNull();
  });

  it('ignores a tampered value', () => {
    const storage = memoryStorage();
    storage.setItem('lc.pin.abc-defg-hjk', '<script>');
    expect(new PinStore(storage).recall('abc-defg-hjk')).toBeNull();
  });
});

describe('pinFromFragment', () => {
  it('reads a six-digit PIN', () => {
    expect(pinFromFragment('#pin=012345')).toBe('012345');
    expect(pinFromFragment('pin=012345&x=1')).toBe('012345');
  });
  it('rejects anything else', () => {
    expect(pinFromFragment('')).toBeNull();
    expect(pinFromFragment('#pin=12345')).toBeNull();
    expect(pinFromFragment('#pin=abcdef')).toBeNull();
  });
});
