import { describe, expect, it } from 'vitest';
import { inviteLink, parseRoute, routePath } from './router';

describe('parseRoute', () => {
  it('maps the three pages', () => {
    expect(parseRoute('/')).toEqual({ page: 'sign-in' });
    expect(parseRoute('/lobby')).toEqual({ page: 'lobby' });
    expect(parseRoute('/lobby/')).toEqual({ page: 'lobby' });
    expect(parseRoute('/room/abc-defg-hjk')).toEqual({ page: 'room', roomId: 'abc-defg-hjk' });
  });

  it('refuses malformed room IDs and unknown paths', () => {
    expect(parseRoute('/room/ABC')).toEqual({ page: 'not-found' });
    expect(parseRoute('/room/abc-defg-hjk/x')).toEqual({ page: 'not-found' });
    expect(parseRoute('/room/%E0%A4%A')).toEqual({ page: 'not-found' });
    expect(parseRoute('/admin')).toEqual({ page: 'not-found' });
  });

  it('round-trips through routePath', () => {
    const route = { page: 'room', roomId: 'abc-defg-hjk' } as const;
    expect(parseRoute(routePath(route))).toEqual(route);
  });
});

describe('inviteLink', () => {
  it('puts the PIN in the fragment only', () => {
    const link = new URL(inviteLink('http://127.0.0.1:3000', 'abc-defg-hjk', '012345'));
    expect(link.pathname).toBe('/room/abc-defg-hjk');
    expect(link.search).toBe('');
    expect(link.hash).toBe('#pin=012345');
  });
});
