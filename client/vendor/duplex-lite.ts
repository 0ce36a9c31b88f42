/**
 * Stands in for `streamx` in the browser build, whose `Duplex` simple-peer extends. streamx with
 * what it pulls in (the `events` package, fast-fifo, text-decoder and b4a) was about 11 KB gzip
 * of the room's code; the room uses none of its stream machinery (no pipes, no backpressure:
 * `PeerLink` calls `send()` and listens for 'data'). This class keeps what simple-peer relies on,
 * with streamx's event order, and `duplex-lite.test.ts` runs the same script against streamx and
 * this class and expects the same events:
 * - `push(data)` emits 'data' a microtask later, dropped once the stream is destroying;
 *   `push(null)` ends the readable side ('end', `_readableState.ended`).
 * - `write(chunk)` calls `_write(chunk, cb)` one chunk at a time; `end()` then calls `_final(cb)`
 *   and emits 'finish'. With both sides done the stream destroys itself.
 * - `destroy(err?)` calls `_destroy(cb)` once; its callback sets `destroyed`, emits 'error'
 *   (with `err`) and 'close'. simple-peer's own teardown after a closed channel calls `end()` and
 *   its `_destroy` directly, so under streamx that path never emits 'close'; nor does this one.
 * Unlike streamx, data pushed while nobody listens for 'data' is not kept for a later listener.
 */

type Listener = (...args: never[]) => void;
type Callback = (err?: Error | null) => void;

/** The EventEmitter methods simple-peer and `PeerLink` use (Node's semantics, 'error' included). */
export class Emitter {
  #listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  addListener(event: string, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string, listener: Listener): this {
    const wrapper = (...args: never[]) => {
      this.removeListener(event, wrapper);
      listener(...args);
    };
    (wrapper as { listener?: Listener }).listener = listener;
    return this.on(event, wrapper);
  }

  removeListener(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    for (let at = list.length - 1; at >= 0; at--) {
      const l = list[at] as Listener & { listener?: Listener };
      if (l !== listener && l.listener !== listener) continue;
      this.#listeners.set(event, [...list.slice(0, at), ...list.slice(at + 1)]);
      break;
    }
    return this;
  }

  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list?.length) {
      // As Node's EventEmitter: an error nobody listens for is thrown.
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const listener of list) (listener as (...a: unknown[]) => void)(...args);
    return true;
  }
}

export class Duplex extends Emitter {
  readonly _readableState = { ended: false };
  readonly _writableState = { ended: false };
  #data: unknown[] = [];
  #flushing = false;
  #endRead = false;
  #writes: unknown[] = [];
  #writing = false;
  #ending = false;
  #finished = false;
  #destroying = false;
  #destroyed = false;
  #error: Error | null = null;

  constructor(_opts?: unknown) {
    super();
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get destroying(): boolean {
    return this.#destroying;
  }

  push(data: unknown): boolean {
    if (this.#destroying || this.#endRead) return false;
    if (data === null) this.#endRead = true;
    else this.#data.push(data);
    if (!this.#flushing) {
      this.#flushing = true;
      queueMicrotask(() => this.#flush());
    }
    return true;
  }

  #flush(): void {
    this.#flushing = false;
    while (this.#data.length > 0 && !this.#destroying) this.emit('data', this.#data.shift());
    if (this.#endRead && !this._readableState.ended && !this.#destroying) {
      this._readableState.ended = true;
      this.emit('end');
      this.#autoDestroy();
    }
  }

  write(chunk: unknown): boolean {
    if (this.#destroying || this.#ending) return false;
    this.#writes.push(chunk);
    this.#nextWrite();
    return true;
  }

  end(chunk?: unknown): this {
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    if (!this.#ending && !this.#destroying) {
      this.#ending = true;
      this.#nextWrite();
    }
    return this;
  }

  #nextWrite(): void {
    if (this.#writing || this.#destroying) return;
    const chunk = this.#writes.shift();
    if (chunk !== undefined) {
      this.#writing = true;
      this._write(chunk, (err) => {
        this.#writing = false;
        if (err) this.destroy(err);
        else this.#nextWrite();
      });
    } else if (this.#ending && !this._writableState.ended) {
      this._writableState.ended = true;
      this._final((err) => {
        if (err) return this.destroy(err);
        if (this.#destroying) return;
        this.#finished = true;
        this.emit('finish');
        this.#autoDestroy();
      });
    }
  }

  #autoDestroy(): void {
    if (this._readableState.ended && this.#finished) this.destroy();
  }

  destroy(err?: Error): void {
    if (this.#destroying) return;
    this.#destroying = true;
    this.#error = err ?? null;
    queueMicrotask(() =>
      this._destroy((e) => {
        const error = e ?? this.#error;
        if (error) this.emit('error', error);
        this.#destroyed = true;
        this.emit('close');
      }),
    );
  }

  _write(_chunk: unknown, cb: Callback): void {
    cb(null);
  }

  _final(cb: Callback): void {
    cb(null);
  }

  _destroy(cb: Callback): void {
    cb(null);
  }
}
