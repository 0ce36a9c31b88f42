import type { ReactiveControllerHost } from 'lit';

/**
 * A part of a page whose code is fetched on demand: `want()` starts the fetch, the page re-renders
 * when the part arrives or fails, and after a failure `retry()` asks again (the fetch itself
 * should forget failures, as loadOnce does).
 */
export class LazyPart<T> {
  value: T | null = null;
  failed = false;
  #loading = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: () => Promise<T>,
  ) {}

  /** Fetches the part unless it is here, on its way, or failed (then only retry() asks again). */
  want(): void {
    if (this.value !== null || this.#loading || this.failed) return;
    this.#loading = true;
    this.load()
      .then(
        (value) => {
          this.value = value;
        },
        () => {
          this.failed = true;
        },
      )
      .finally(() => {
        this.#loading = false;
        this.host.requestUpdate();
      });
  }

  retry(): void {
    this.failed = false;
    this.want();
  }
}
