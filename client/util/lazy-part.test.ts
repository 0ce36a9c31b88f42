import { describe, expect, it } from 'vitest';
import { LazyPart } from './lazy-part';
import { loadOnce } from './load-once';

/** A host that counts the updates it was asked for, and lets a test await the next one. */
function host() {
  let updates = 0;
  let next: () => void = () => {};
  return {
    get updates() {
      return updates;
    },
    updated: () =>
      new Promise<void>((resolve) => {
        next = resolve;
      }),
    addController() {},
    removeController() {},
    requestUpdate() {
      updates += 1;
      next();
    },
    updateComplete: Promise.resolve(true),
  };
}

describe('LazyPart', () => {
  it('fetches once however often it is wanted, and asks for a render when it arrives', async () => {
    const page = host();
    let fetches = 0;
    const part = new LazyPart(page, async () => {
      fetches += 1;
      return 'part';
    });
    const arrived = page.updated();
    part.want();
    part.want();
    await arrived;
    part.want();
    expect(part.value).toBe('part');
    expect(part.failed).toBe(false);
    expect(fetches).toBe(1);
    expect(page.updates).toBe(1);
  });

  it('says when the fetch failed, asks again only on retry, and then has the part', async () => {
    const page = host();
    let fetches = 0;
    const part = new LazyPart(
      page,
      loadOnce(async () => {
        fetches += 1;
        if (fetches === 1) throw new TypeError('Failed to fetch dynamically imported module');
        return 'part';
      }),
    );
    let rendered = page.updated();
    part.want();
    await rendered;
    expect(part.failed).toBe(true);
    expect(part.value).toBeNull();
    part.want();
    expect(fetches).toBe(1);

    rendered = page.updated();
    part.retry();
    expect(part.failed).toBe(false);
    await rendered;
    expect(part.value).toBe('part');
    expect(fetches).toBe(2);
  });
});
