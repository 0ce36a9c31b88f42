import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS, configEnvSchema, loadConfig } from './config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicOrigin: undefined,
      trustProxy: false,
      sessionTtlSeconds: 2_592_000,
      stunUrls: [],
      turnUrls: [],
      turnSecret: undefined,
      turnTtlSeconds: 3600,
      bcryptCost: 12,
      logLevel: 'info',
    });
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.staticDir).toMatch(/\/dist\/client$/);
  });

  it('gives the same config for every documented default as for no value', () => {
    const explicit = Object.fromEntries(
      CONFIG_DOCS.filter((d) => !d.default.startsWith('(')).map((d) => [d.name, d.default]),
    );
    expect(loadConfig(explicit)).toEqual(loadConfig({}));
  });

  it('documents every variable it reads and accepts every documented example', () => {
    const names = CONFIG_DOCS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const examples = Object.fromEntries(CONFIG_DOCS.map((d) => [d.name, d.example]));
    expect(() => loadConfig(examples)).not.toThrow();
    expect(names.sort()).toEqual(Object.keys(configEnvSchema.shape).sort());
  });

  it('keeps closed rooms 30 days unless told otherwise, 0 meaning the next sweep', () => {
    expect(loadConfig({}).roomRetentionDays).toBe(30);
    expect(loadConfig({ ROOM_RETENTION_DAYS: '0' }).roomRetentionDays).toBe(0);
    expect(() => loadConfig({ ROOM_RETENTION_DAYS: '-1' })).toThrow(/ROOM_RETENTION_DAYS/);
    expect(() => loadConfig({ ROOM_RETENTION_DAYS: '1.5' })).toThrow(/ROOM_RETENTION_DAYS/);
  });

  it('parses lists, booleans and origins', () => {
    const c = loadConfig({
      PUBLIC_ORIGIN: 'https://watch.example.com/',
      TRUST_PROXY: '1',
      STUN_URLS: 'stun:a.example:3478, stun:b.example:3478',
      TURN_URLS: 'turn:t.example:3478?transport=udp',
      TURN_SECRET: 's3cret',
      PIN_LIMIT_PER_ROOM: '4',
    });
    expect(c.publicOrigin).toBe('https://watch.example.com');
    expect(c.trustProxy).toBe(1);
    expect(c.stunUrls).toEqual(['stun:a.example:3478', 'stun:b.example:3478']);
    expect(c.limits.pinFailuresPerRoom).toBe(4);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe(
      'loopback, 10.0.0.0/8',
    );
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['BCRYPT_COST', '4'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_ORIGIN', 'ftp://x.example'],
    ['PUBLIC_ORIGIN', 'https://x.example/app'],
    ['STUN_URLS', 'http://stun.example'],
    ['SESSION_TTL', '-5'],
    ['REDIS_URL', 'http://redis.example:6379'],
    ['PIN_SECRET', 'too-short'],
    ['PIN_SECRET', 'ab'.repeat(31)],
  ])('refuses %s=%s with an example of a valid value', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`${name}: .*for example ${name}=`),
    );
  });

  it('takes REDIS_URL and a PIN_SECRET in hex or base64', () => {
    const key = Buffer.alloc(32, 0xab);
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6380/2' }).redisUrl).toBe(
      'redis://127.0.0.1:6380/2',
    );
    expect(loadConfig({ PIN_SECRET: key.toString('hex') }).pinSecret).toEqual(key);
    expect(loadConfig({ PIN_SECRET: key.toString('base64') }).pinSecret).toEqual(key);
    expect(loadConfig({ PIN_SECRET: key.toString('base64url') }).pinSecret).toEqual(key);
  });

  it('refuses TURN_URLS without TURN_SECRET', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:t.example:3478' })).toThrow(/TURN_SECRET/);
  });
});
