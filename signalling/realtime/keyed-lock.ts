/** Runs tasks for one key one at a time. */
export interface JoinLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Runs tasks for one key one at a time. Joins to a room go through it so two people joining
 * together each see the other exactly once (in the ack or as peer:joined), never both or
 * neither. It orders joins within this process only (see redis/room-lock.ts for several).
 */
export class KeyedLock implements JoinLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const result = prev.then(task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
