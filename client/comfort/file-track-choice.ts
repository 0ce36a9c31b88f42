import type { Cue } from '../../shared/subtitles/cue';
import { make } from './element';
import type { FileTextTracks } from './file-tracks/file-text-tracks';
import { REFUSED } from './subtitle-refusals';

/** Where a choice is told and shown: the subtitles element's status and error lines. */
export interface TrackChoiceOutlet {
  status: HTMLElement;
  error: HTMLElement;
  /** The chosen track's cues, to show to everyone under `name`. */
  use(cues: Cue[], name: string): void;
  /** The host chose "None" after a track. */
  none(): void;
}

/**
 * "Subtitle track": the text tracks inside the host's video file, offered when it picks one
 * that has any (the reader loads only then), and the chosen one read into cues. A newer file
 * stops the reading of the one before, and only the latest choice's cues are used.
 */
export class FileTrackChoice {
  readonly #select = make('select', { id: 'subtitle-track' });
  /** The label and select, hidden until a file offers tracks. */
  readonly field = make(
    'span',
    { className: 'field', hidden: true },
    make('label', { htmlFor: 'subtitle-track' }, 'Subtitle track'),
    this.#select,
  );
  #found: { name: string; tracks: FileTextTracks } | null = null;
  #reading: AbortController | null = null;
  /** Counts choices and files, so an older read's result is dropped. */
  #choice = 0;
  /** The track whose cues are shown now, '' for none. */
  #inUse = '';

  constructor(private readonly outlet: TrackChoiceOutlet) {
    this.#select.addEventListener('change', () => void this.#onChosen());
  }

  /** Offers the text tracks of the video file the host picked, if it has any. */
  async offer(file: File): Promise<void> {
    this.stop();
    const reading = new AbortController();
    this.#reading = reading;
    this.#found = null;
    this.#inUse = '';
    this.field.hidden = true;
    try {
      const { fileTextTracks } = await import('./file-tracks/file-text-tracks');
      const tracks = await fileTextTracks(file, reading.signal);
      if (reading.signal.aborted || !tracks) return;
      this.#found = { name: file.name, tracks };
      this.#select.replaceChildren(
        make('option', { value: '' }, 'None'),
        ...tracks.tracks.map((t) => make('option', { value: String(t.number) }, t.label)),
      );
      this.field.hidden = false;
    } catch {
      // Stopped for a newer file, or not readable: nothing is offered.
    }
  }

  /** Other subtitles took over (a file, or none): the select says "None". */
  clear(): void {
    this.#choice += 1;
    this.#inUse = '';
    this.#select.value = '';
  }

  /** Stops any read of the current file. */
  stop(): void {
    this.#choice += 1;
    this.#reading?.abort();
  }

  async #onChosen(): Promise<void> {
    const { status, error } = this.outlet;
    const found = this.#found;
    const choice = ++this.#choice;
    const number = Number(this.#select.value);
    const label = this.#select.selectedOptions[0]?.textContent ?? '';
    error.textContent = '';
    if (!found || !number) {
      if (this.#inUse) this.outlet.none();
      this.#inUse = '';
      return;
    }
    const reading = `Reading “${label}” from “${found.name}”…`;
    const before = status.textContent;
    status.textContent = reading;
    const fail = (why: string) => {
      error.textContent = `“${label}” in “${found.name}” ${why}.`;
      this.#select.value = this.#inUse;
      status.textContent = before;
    };
    let shown = 0;
    try {
      const parsed = await found.tracks.read(number, (fraction) => {
        // A tenth at a time: the status line is read out.
        const tenth = Math.floor(fraction * 10);
        if (choice !== this.#choice || tenth <= shown) return;
        shown = tenth;
        status.textContent = `${reading} ${tenth * 10} %`;
      });
      if (choice !== this.#choice) return;
      if (!parsed.ok) {
        fail(
          parsed.reason === 'no-cues'
            ? 'holds no subtitles that can be read'
            : (REFUSED[parsed.reason] ?? ''),
        );
        return;
      }
      this.#inUse = String(number);
      this.outlet.use(parsed.cues, `${found.name}, ${label}`);
    } catch {
      // Stopped for another video file: that one's tracks are offered now.
      if (choice === this.#choice) fail('could not be read');
    }
  }
}
