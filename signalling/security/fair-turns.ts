/**
 * Starts each address's requests in turns of the event loop: at most `perTurn` of one address's
 * requests start in one turn, the rest wait for the next turns in the order they came, and an
 * address with nothing waiting goes straight on.
 *
 * Why: the node has one event loop, and a request that is within its address's budget still
 * costs it a millisecond or two (express, helmet, the route). A script's requests come back
 * together (its refusals are all held for the same second, and meanwhile the budget refills), so
 * twenty of them ran back to back and held everyone else's health check, sign-in or page for
 * 40–80 ms (bench/abuse, the room flood: health p99 ×6 with the server at 9 % of a core). In
 * turns, another address's request waits behind at most `perTurn` of one address's.
 */
export class FairTurns {
  readonly #waiting = new Map<string, (() => void)[]>();
  /** Requests started this turn, per address; cleared when the turn ends. */
  readonly #started = new Map<string, number>();
  #scheduled = false;

  /**
   * `endOfTurn` runs its callback once the event loop has polled for I/O again (setImmediate),
   * so requests that arrived meanwhile from other addresses go first.
   */
  constructor(
    private readonly perTurn: number,
    private readonly onError: (err: unknown) => void,
    private readonly endOfTurn: (fn: () => void) => void = setImmediate,
  ) {}

  run(address: string, job: () => void): void {
    const started = this.#started.get(address) ?? 0;
    this.#schedule();
    if (started < this.perTurn && !this.#waiting.has(address)) {
      this.#started.set(address, started + 1);
      this.#start(job);
      return;
    }
    const queue = this.#waiting.get(address);
    if (queue) queue.push(job);
    else this.#waiting.set(address, [job]);
  }

  /** Requests waiting for a turn, over all addresses. */
  get waiting(): number {
    let n = 0;
    for (const queue of this.#waiting.values()) n += queue.length;
    return n;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.endOfTurn(() => this.#turn());
  }

  /** A new turn: every waiting address starts up to `perTurn` more, one of each in turn. */
  #turn(): void {
    this.#scheduled = false;
    this.#started.clear();
    const ready: (() => void)[] = [];
    for (let round = 0; round < this.perTurn; round += 1) {
      for (const [address, queue] of this.#waiting) {
        const job = queue.shift();
        if (!job) continue;
        ready.push(job);
        this.#started.set(address, round + 1);
        if (queue.length === 0) this.#waiting.delete(address);
      }
    }
    if (this.#started.size > 0) this.#schedule();
    for (const job of ready) this.#start(job);
  }

  /** One request's throw must not cost the others of its turn their start. */
  #start(job: () => void): void {
    try {
      job();
    } catch (err) {
      this.onError(err);
    }
  }
}
