import { randomId } from '../util/random-id';
import type { ChunkSpill } from './chunk-store';

const PREFIX = 'lc-file-';
/** This page's mark on its caches; the page holds a Web Lock of that name while it lives. */
const PAGE = randomId();
let holding = false;

/** Holds this page's lock until it unloads, so other pages see its copies are in use. */
function holdPageLock(): void {
  if (holding) return;
  holding = true;
  void navigator.locks.request(PREFIX + PAGE, () => new Promise<never>(() => {}));
}

/**
 * A guest's chunks beyond its memory budget, in Cache Storage (on disk, per origin, counted
 * against the origin's quota), one cache per file so leaving deletes it at once.
 */
export class CacheSpill implements ChunkSpill {
  readonly #name: string;
  #cache: Promise<Cache> | null = null;

  constructor(fileId: string) {
    holdPageLock();
    this.#name = `${PREFIX}${PAGE}-${fileId}`;
  }

  async put(index: number, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    await (await this.#open()).put(key(index), new Response(bytes));
  }

  async get(index: number): Promise<Uint8Array<ArrayBuffer> | null> {
    const found = await (await this.#open()).match(key(index));
    return found ? new Uint8Array(await found.arrayBuffer()) : null;
  }

  async clear(): Promise<void> {
    this.#cache = null;
    await caches.delete(this.#name);
  }

  #open(): Promise<Cache> {
    this.#cache ??= caches.open(this.#name);
    return this.#cache;
  }
}

/**
 * Deletes copies that pages left behind when they ended without leaving (a crash, a killed
 * tab): those whose page no longer holds its lock. Another open tab's copy stays.
 */
export async function deleteLeftCopies(): Promise<void> {
  const held = new Set((await navigator.locks.query()).held?.map((lock) => lock.name));
  for (const name of await caches.keys()) {
    const page = name.startsWith(PREFIX)
      ? name.slice(PREFIX.length, PREFIX.length + PAGE.length)
      : null;
    if (page && !held.has(PREFIX + page)) await caches.delete(name);
  }
}

function key(index: number): string {
  return `/lc-chunk/${index}`;
}
