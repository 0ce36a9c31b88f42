import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVICE_COOKIE, DEVICE_SECONDS, DeviceCookies } from './device-cookie';

const SECRET = randomBytes(32);
/** The `name=value` part of a Set-Cookie value, as the browser sends it back. */
const sent = (setCookie: string): string => setCookie.split(';')[0] ?? '';

describe('DeviceCookies', () => {
  it('recognises the browser it was issued to, for that account only', () => {
    const devices = new DeviceCookies(SECRET, false);
    const setCookie = devices.issue('user-a');
    expect(setCookie).toMatch(new RegExp(`^${DEVICE_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/api\/auth/);
    const nonce = devices.recognise(`lc_session=x; ${sent(setCookie)}`, 'user-a');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(devices.recognise(sent(setCookie), 'user-b')).toBeUndefined();
    // Each browser gets a name of its own.
    expect(devices.recognise(sent(devices.issue('user-a')), 'user-a')).not.toBe(nonce);
  });

  it('refuses a changed, foreign or expired cookie', () => {
    let now = 1_800_000_000_000;
    const devices = new DeviceCookies(SECRET, true, () => now);
    const setCookie = devices.issue('user-a');
    expect(setCookie).toMatch(/Secure/);
    const value = sent(setCookie);
    const [nonce, issuedAt, mac] = value.slice(DEVICE_COOKIE.length + 1).split('.');
    const forged = (n = nonce, t = issuedAt, m = mac) => `${DEVICE_COOKIE}=${n}.${t}.${m}`;
    expect(devices.recognise(forged(undefined, String(Number(issuedAt) + 1)), 'user-a')).toBe(
      undefined,
    );
    expect(devices.recognise(forged('A'.repeat(22)), 'user-a')).toBeUndefined();
    expect(devices.recognise(forged(undefined, undefined, 'A'.repeat(43)), 'user-a')).toBe(
      undefined,
    );
    expect(devices.recognise(`${DEVICE_COOKIE}=garbage`, 'user-a')).toBeUndefined();
    expect(devices.recognise(undefined, 'user-a')).toBeUndefined();
    // Another server's secret.
    expect(new DeviceCookies(randomBytes(32), true, () => now).recognise(value, 'user-a')).toBe(
      undefined,
    );
    now += (DEVICE_SECONDS - 1) * 1000;
    expect(devices.recognise(value, 'user-a')).toBeDefined();
    now += 2000;
    expect(devices.recognise(value, 'user-a')).toBeUndefined();
  });
});
