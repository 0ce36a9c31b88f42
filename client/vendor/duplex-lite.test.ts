import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Duplex as DuplexLite } from './duplex-lite';

// The browser build puts duplex-lite.ts where streamx was (vite.config.ts); vitest does not, so
// streamx is here the package itself, and both run the same script below.
const { Duplex: StreamxDuplex } = createRequire(import.meta.url)('streamx') as {
  Duplex: typeof DuplexLite;
};

type Log = string[];

/**
 * simple-peer's stream-facing methods as lite.js 10.1 has them (trimmed to what touches the
 * stream): `_final` ends the readable side, `__destroy` (its teardown after a closed channel or a
 * failure) calls `end()` and its own `_destroy` directly, which calls back on a timer.
 */
function peerLike(Base: typeof DuplexLite) {
  return class extends Base {
    readonly log: Log = [];
    _destroying = false;
    #onFinish: (() => void) | null = () => this.log.push('finish handler');

    constructor() {
      super({ allowHalfOpen: false });
      this.once('finish', this.#onFinish as () => void);
      for (const event of ['data', 'end', 'finish', 'close', 'error']) {
        this.on(event, (x?: unknown) => {
          const detail = x instanceof Error ? ` ${x.message}` : x === undefined ? '' : ` ${x}`;
          this.log.push(`${event}${detail} destroyed=${this.destroyed}`);
        });
      }
    }

    override _final(cb: (err?: Error | null) => void): void {
      if (!this._readableState.ended) this.push(null);
      cb(null);
    }

    __destroy(err?: Error): void {
      this.end();
      (this._destroy as (cb: () => void, err?: Error) => void)(() => {}, err);
    }

    override _destroy(cb: (err?: Error | null) => void, err?: Error): void {
      if (this.destroyed || this._destroying) return;
      this._destroying = true;
      setTimeout(() => {
        if (this.#onFinish) this.removeListener('finish', this.#onFinish as () => void);
        this.#onFinish = null;
        if (err) this.emit('error', err);
        cb();
      }, 0);
    }

    override _write(chunk: unknown, cb: (err?: Error | null) => void): void {
      this.log.push(`write ${chunk}`);
      cb(null);
    }
  };
}

const scenarios: Record<string, (p: InstanceType<ReturnType<typeof peerLike>>) => void> = {
  'data in order': (p) => {
    p.push('a');
    p.push('b');
  },
  'data pushed just before destroy() is dropped': (p) => {
    p.push('a');
    p.destroy();
  },
  'destroy()': (p) => p.destroy(),
  'destroy(err)': (p) => p.destroy(new Error('boom')),
  'teardown without error (no close)': (p) => p.__destroy(),
  'teardown with an error': (p) => p.__destroy(new Error('bad')),
  'writes and end': (p) => {
    p.write('x');
    p.write('y');
    p.end();
  },
  'destroy() twice': (p) => {
    p.destroy(new Error('first'));
    p.destroy(new Error('second'));
  },
};

async function run(Base: typeof DuplexLite, script: (p: never) => void) {
  const p = new (peerLike(Base))();
  script(p as never);
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { log: p.log, destroyed: p.destroyed };
}

describe('duplex-lite beside streamx', () => {
  for (const [name, script] of Object.entries(scenarios)) {
    it(`${name}: the same events`, async () => {
      const expected = await run(StreamxDuplex, script);
      expect(await run(DuplexLite, script)).toEqual(expected);
    });
  }

  it('throws an error nobody listens for, as EventEmitter does', () => {
    expect(() => new DuplexLite().emit('error', new Error('unheard'))).toThrow('unheard');
  });

  it('once and removeListener', () => {
    const d = new DuplexLite();
    const seen: number[] = [];
    const one = (n: number) => seen.push(n);
    d.once('x', one);
    d.on('x', (n: number) => seen.push(n * 10));
    d.emit('x', 1);
    d.emit('x', 2);
    d.once('y', one);
    d.removeListener('y', one);
    d.emit('y', 3);
    expect(seen).toEqual([1, 10, 20]);
    expect(d.listenerCount('x')).toBe(1);
  });
});
