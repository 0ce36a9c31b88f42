import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('hashes with bcrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery', 10);
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('wrong horse battery', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not a bcrypt hash')).toBe(false);
  });

  it('leaves the event loop free while several hashes run', async () => {
    let worstLagMs = 0;
    let running = true;
    const probe = (async () => {
      while (running) {
        const before = performance.now();
        await new Promise((r) => setImmediate(r));
        worstLagMs = Math.max(worstLagMs, performance.now() - before);
      }
    })();
    await Promise.all(Array.from({ length: 4 }, () => hashPassword('correct horse battery', 12)));
    running = false;
    await probe;
    // bcryptjs on the main thread holds it in 100 ms slices, all four in one turn (~400 ms).
    expect(worstLagMs).toBeLessThan(200);
  });

  it("takes one address's queue in turn with another's", async () => {
    const done: string[] = [];
    const flood = Array.from({ length: 8 }, (_, i) =>
      hashPassword(`flood ${i}`, 10, 'attacker').then(() => done.push('attacker')),
    );
    const rightful = hashPassword('correct horse battery', 10, 'rightful').then(() =>
      done.push('rightful'),
    );
    await Promise.all([...flood, rightful]);
    // Served in turn: the rightful hash waits for the ones already running, not for the flood.
    expect(done.indexOf('rightful')).toBeLessThan(5);
  });
});
