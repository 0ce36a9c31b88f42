import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { BcryptPool, createMissingAccountWait, hashPassword, verifyPassword } from './passwords';

const hashes = new Map<number, Promise<string>>();
/** A hash of 'correct horse battery' at `cost`, made once per cost. */
const hashOf = (cost: number): Promise<string> => {
  const made = hashes.get(cost) ?? hashPassword('correct horse battery', cost);
  hashes.set(cost, made);
  return made;
};

describe('password hashing', () => {
  it('hashes with bcrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery', 10);
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('wrong horse battery', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not a bcrypt hash')).toBe(false);
  });

  it('leaves the event loop free while several hashes run', async () => {
    // The share of time the main thread was busy, not a latency: a machine with its cores taken
    // by other work delays a free event loop too, but does not make it busy.
    const before = performance.eventLoopUtilization();
    await Promise.all(Array.from({ length: 4 }, () => hashPassword('correct horse battery', 12)));
    const { utilization } = performance.eventLoopUtilization(before);
    // bcryptjs on the main thread keeps it busy the whole time (utilization near 1).
    expect(utilization).toBeLessThan(0.3);
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

  it("runs a known pair's comparison at once on its own thread, however many others wait", async () => {
    const pool = new BcryptPool(1);
    const hash = await hashPassword('correct horse battery', 10);
    const done: string[] = [];
    const flood = Array.from({ length: 6 }, (_, i) =>
      pool
        .run({ op: 'compare', password: 'guess', hash }, `198.51.100.${i}`, 'other')
        .then(() => done.push('other')),
    );
    // The other lane holds the shared thread only; the rest of the flood waits.
    expect(pool.load().other).toEqual({ running: 1, waiting: 5 });
    const owner = pool
      .run({ op: 'compare', password: 'correct horse battery', hash }, '192.0.2.1', 'known')
      .then((valid) => done.push(`known ${valid}`));
    expect(pool.load().known).toEqual({ running: 1, waiting: 0 });
    await Promise.all([...flood, owner]);
    expect(done.indexOf('known true')).toBeLessThan(2);
  });

  /** Which ends first of a known pair's comparison and a stranger's, started together on `pool`. */
  async function finishOrder(pool: BcryptPool, knownCost: number, otherCost: number) {
    const [knownHash, otherHash] = await Promise.all([hashOf(knownCost), hashOf(otherCost)]);
    const done: string[] = [];
    const owner = pool
      .run(
        { op: 'compare', password: 'correct horse battery', hash: knownHash },
        '192.0.2.1',
        'known',
      )
      .then(() => done.push('known'));
    const stranger = pool
      .run({ op: 'compare', password: 'guess', hash: otherHash }, '198.51.100.1')
      .then(() => done.push('other'));
    expect(pool.load().known.running + pool.load().other.running).toBe(2);
    await Promise.all([owner, stranger]);
    return done;
  }

  it("parks a stranger's comparison while a known pair's runs, so bcrypt takes one core", async () => {
    // A park longer than any comparison here: what ends first is decided by the parking alone,
    // not by the machine's speed. Alone, the cost-10 comparison takes a quarter of the cost-12.
    expect(await finishOrder(new BcryptPool(1, 60_000), 12, 10)).toEqual(['known', 'other']);
  });

  it('never parks the other lane for longer than its bound', async () => {
    // A cost-13 comparison is eight cost-10 ones: the stranger's, parked 50 ms a slice, ends first.
    expect(await finishOrder(new BcryptPool(1, 50), 13, 10)).toEqual(['other', 'known']);
  });

  it("refuses a username that does not exist after a comparison's time, without bcrypt work", async () => {
    const hash = await hashPassword('correct horse battery', 10);
    const started = performance.now();
    await verifyPassword('wrong horse battery', hash);
    const oneCompare = performance.now() - started;
    const wait = createMissingAccountWait(10);
    const waited = performance.now();
    // Twenty comparisons would take twenty times one on the shared thread; waits overlap.
    await Promise.all(Array.from({ length: 20 }, () => wait()));
    const elapsed = performance.now() - waited;
    expect(elapsed).toBeGreaterThan(oneCompare / 4);
    expect(elapsed).toBeLessThan(oneCompare * 10);
  });
});
