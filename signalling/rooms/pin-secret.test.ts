import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOM_ID_PATTERN } from '../../shared/ids';
import { generatePin, generateRoomId } from './ids';
import { loadPinSecret, PIN_SECRET_FILE, PinVault } from './pin-secret';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-secret-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the PIN secret file', () => {
  it('is created once with mode 0600 and read back afterwards', async () => {
    const first = await loadPinSecret(join(dir, 'nested'));
    const file = join(dir, 'nested', PIN_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadPinSecret(join(dir, 'nested'))).toEqual(first);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.toString('hex'));
  });

  it('refuses a damaged file rather than replacing it', async () => {
    await writeFile(join(dir, PIN_SECRET_FILE), 'not hex');
    await expect(loadPinSecret(dir)).rejects.toThrow(/hex secret/);
  });
});

describe('PinVault', () => {
  const vault = new PinVault(Buffer.alloc(32, 7));

  it('verifies the right PIN only, and only for its room', () => {
    const sealed = vault.seal('abc-defg-hjk', '123456');
    expect(vault.verify('abc-defg-hjk', '123456', sealed.pinHmac)).toBe(true);
    expect(vault.verify('abc-defg-hjk', '123457', sealed.pinHmac)).toBe(false);
    expect(vault.verify('abc-defg-hjm', '123456', sealed.pinHmac)).toBe(false);
    expect(vault.verify('abc-defg-hjk', '123456', 'abcd')).toBe(false);
  });

  it('opens what it sealed, and nothing sealed for another room or key', () => {
    const sealed = vault.seal('abc-defg-hjk', '004200');
    expect(vault.open('abc-defg-hjk', sealed.pinSealed)).toBe('004200');
    expect(() => vault.open('abc-defg-hjm', sealed.pinSealed)).toThrow();
    expect(() =>
      new PinVault(Buffer.alloc(32, 8)).open('abc-defg-hjk', sealed.pinSealed),
    ).toThrow();
    expect(vault.seal('abc-defg-hjk', '004200').pinSealed).not.toBe(sealed.pinSealed);
  });
});

describe('IDs and PINs', () => {
  it('look right', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(generateRoomId()).toMatch(ROOM_ID_PATTERN);
      expect(generatePin()).toMatch(/^\d{6}$/);
    }
  });
});
