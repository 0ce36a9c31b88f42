/** What People shows of someone's microphone: on, or muted (off, or its track silent or gone). */
export type MicrophoneMark = 'on' | 'muted';

/** The part of a MediaStreamTrack a mark reads. */
export type MarkedTrack = EventTarget & Pick<MediaStreamTrack, 'muted' | 'readyState'>;

const TRACK_EVENTS = ['mute', 'unmute', 'ended'] as const;

function markOf(track: MarkedTrack): MicrophoneMark {
  return track.readyState === 'ended' || track.muted ? 'muted' : 'on';
}

/**
 * Each person's microphone mark, from their voice track as it comes, goes, mutes and ends.
 * Someone whose microphone never came on while we were here has no mark: most people in a watch
 * party never talk, and a "muted" on every row would say nothing.
 */
export class MicrophoneMarks {
  /** Peer ID to mark; a new map at each change, so a Lit property sees it. */
  marks: ReadonlyMap<string, MicrophoneMark> = new Map();
  readonly #watching = new Map<string, AbortController>();

  constructor(private readonly changed: () => void) {}

  /** `peerId`'s voice track now, or null when their microphone went off. */
  set(peerId: string, track: MarkedTrack | null): void {
    this.#unwatch(peerId);
    if (!track) {
      if (this.marks.has(peerId)) this.#mark(peerId, 'muted');
      return;
    }
    const watch = new AbortController();
    this.#watching.set(peerId, watch);
    const update = (): void => this.#mark(peerId, markOf(track));
    for (const type of TRACK_EVENTS) {
      track.addEventListener(type, update, { signal: watch.signal });
    }
    update();
  }

  /** They left the room: no mark at all. */
  forget(peerId: string): void {
    this.#unwatch(peerId);
    if (!this.marks.has(peerId)) return;
    const next = new Map(this.marks);
    next.delete(peerId);
    this.marks = next;
    this.changed();
  }

  #unwatch(peerId: string): void {
    this.#watching.get(peerId)?.abort();
    this.#watching.delete(peerId);
  }

  #mark(peerId: string, mark: MicrophoneMark): void {
    if (this.marks.get(peerId) === mark) return;
    this.marks = new Map(this.marks).set(peerId, mark);
    this.changed();
  }
}
