import { describe, expect, it } from 'vitest';
import { offersRelay, relayOnlyWanted, setRelayOnlyWanted } from './relay-only';

describe('relay only', () => {
  it('needs a TURN URL with a username and credential', () => {
    expect(offersRelay([])).toBe(false);
    expect(offersRelay([{ urls: 'stun:stun.example:3478' }])).toBe(false);
    expect(offersRelay([{ urls: ['turn:t.example:3478'] }])).toBe(false);
    expect(offersRelay([{ urls: 'stun:s.example', username: 'u', credential: 'c' }])).toBe(false);
    expect(
      offersRelay([{ urls: ['stun:s', 'turns:t.example:5349'], username: 'u', credential: 'c' }]),
    ).toBe(true);
    expect(
      offersRelay([{ urls: 'turn:t.example:3478?transport=udp', username: 'u', credential: '' }]),
    ).toBe(true);
  });

  it('remembers the choice in the given storage', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    expect(relayOnlyWanted(storage)).toBe(false);
    setRelayOnlyWanted(storage, true);
    expect(map.get('lc.relayOnly')).toBe('1');
    expect(relayOnlyWanted(storage)).toBe(true);
    setRelayOnlyWanted(storage, false);
    expect(relayOnlyWanted(storage)).toBe(false);
  });
});
