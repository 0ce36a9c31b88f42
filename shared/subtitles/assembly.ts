import type { Cue } from './cue';
import { SUBTITLE_CUES_MAX, SUBTITLE_TEXT_MAX } from './limits';
import type { SubtitlesPage } from './messages';

/**
 * Puts the host's pages back together. One set at a time: a page of another set starts over,
 * so a sender cannot make us hold more than one set's pages (SUBTITLE_PAGES_MAX of 16 KiB).
 * A set that would pass SUBTITLE_CUES_MAX or SUBTITLE_TEXT_MAX is dropped, and so are the
 * rest of its pages; a page that disagrees on the count, or comes twice, is ignored.
 */
export class SubtitleAssembly {
  #id: string | null = null;
  #pages: (readonly Cue[] | undefined)[] = [];
  #missing = 0;
  #cues = 0;
  #text = 0;
  #refused = false;

  /** Takes a page; returns every cue of its set once the last page is in, else null. */
  add(page: SubtitlesPage): Cue[] | null {
    if (page.id !== this.#id) this.#start(page.id, page.pages);
    if (this.#refused || page.pages !== this.#pages.length || page.page >= page.pages) return null;
    if (this.#pages[page.page]) return null;
    this.#cues += page.cues.length;
    for (const cue of page.cues) this.#text += cue.text.length;
    if (this.#cues > SUBTITLE_CUES_MAX || this.#text > SUBTITLE_TEXT_MAX) {
      this.#refused = true;
      this.#pages = [];
      return null;
    }
    this.#pages[page.page] = page.cues;
    this.#missing -= 1;
    if (this.#missing > 0) return null;
    const cues = this.#pages.flatMap((cues) => cues ?? []);
    // Done with this set: its pages sent again (a reconnect) make it over, not twice.
    this.#start(null, 0);
    return cues;
  }

  /** Forgets a set half received (the host removed its subtitles or left). */
  reset(): void {
    this.#start(null, 0);
  }

  #start(id: string | null, pages: number): void {
    this.#id = id;
    this.#pages = new Array(pages).fill(undefined);
    this.#missing = pages;
    this.#cues = 0;
    this.#text = 0;
    this.#refused = false;
  }
}
