import { describe, expect, it } from 'vitest';
import { accepts } from './message-policy';

describe('accepts', () => {
  it('takes sync, history, file hashes and subtitles from the host peer only', () => {
    for (const type of ['sync', 'history', 'file-hashes', 'subtitles', 'subtitles-off'] as const) {
      expect(accepts(type, 'host', 'host', 'me')).toBe(true);
      expect(accepts(type, 'guest', 'host', 'me')).toBe(false);
      // Nobody speaks for playback while the host is away.
      expect(accepts(type, 'guest', null, 'me')).toBe(false);
    }
  });

  it('acts on control requests, buffering reports and unplayable files only when we are the host', () => {
    for (const type of ['control', 'buffering', 'file-unplayable'] as const) {
      expect(accepts(type, 'guest', 'me', 'me')).toBe(true);
      expect(accepts(type, 'guest', 'host', 'me')).toBe(false);
      expect(accepts(type, 'guest', null, 'me')).toBe(false);
      expect(accepts(type, 'guest', null, null)).toBe(false);
    }
  });

  it('takes chat and the rest from anyone', () => {
    expect(accepts('chat', 'guest', 'host', 'me')).toBe(true);
    expect(accepts('ping', 'guest', null, null)).toBe(true);
    expect(accepts('file-want', 'guest', 'host', 'me')).toBe(true);
  });
});
