import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once';

describe('loadOnce', () => {
  it('fetches once and hands every caller the same result', async () => {
    let calls = 0;
    const load = loadOnce(async () => {
      calls += 1;
      return { calls };
    });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(calls).toBe(1);
  });

  it('forgets a failed fetch, so the next call tries again', async () => {
    let calls = 0;
    const load = loadOnce(async () => {
      calls += 1;
      if (calls === 1) throw new Error('offline');
      return 'chunk';
    });
    await expect(load()).rejects.toThrow('offline');
    expect(await load()).toBe('chunk');
    expect(await load()).toBe('chunk');
    expect(calls).toBe(2);
  });
});
