import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reinitiates, retryDelay, sdpSessionId } from './link-policy';

describe('reinitiates', () => {
  it('picks exactly one side of any pair', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(reinitiates(a, b)).not.toBe(reinitiates(b, a));
      }),
    );
  });
});

describe('retryDelay', () => {
  it('backs off and caps', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelay)).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});

describe('sdpSessionId', () => {
  it('reads the o= line', () => {
    const sdp = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n';
    expect(sdpSessionId(sdp)).toBe('4611731400430051336');
  });
  it('gives null without one', () => {
    expect(sdpSessionId('v=0\r\ns=-\r\n')).toBeNull();
  });
});
