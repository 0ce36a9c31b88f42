import { describe, expect, it } from 'vitest';
import { SoundMemory } from './sound-memory';

function storage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('SoundMemory', () => {
  it('remembers each user’s volume and mute apart', () => {
    const memory = new SoundMemory(storage());
    memory.remember('u1', { volume: 0.3, muted: true });
    memory.remember('u2', { volume: 0.8, muted: false });
    expect(memory.recall('u1')).toEqual({ volume: 0.3, muted: true });
    expect(memory.recall('u2')).toEqual({ volume: 0.8, muted: false });
    expect(memory.recall('u3')).toBeNull();
  });

  it('ignores what it did not write, and clamps the volume', () => {
    const s = storage();
    const memory = new SoundMemory(s);
    s.items.set('lc.sound.a', 'not json');
    s.items.set('lc.sound.b', JSON.stringify({ volume: 'loud', muted: false }));
    s.items.set('lc.sound.c', JSON.stringify({ volume: 7, muted: false }));
    expect(memory.recall('a')).toBeNull();
    expect(memory.recall('b')).toBeNull();
    expect(memory.recall('c')).toEqual({ volume: 1, muted: false });
  });
});
