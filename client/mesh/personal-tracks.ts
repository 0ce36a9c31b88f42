/** A member's own media beside the movie: their microphone and their camera. */
export type PersonalKind = 'voice' | 'camera';
export const PERSONAL_KINDS: readonly PersonalKind[] = ['voice', 'camera'];

/** The track kind each personal kind must have; a video announced as a voice is ignored. */
const TRACK_KIND: Record<PersonalKind, string> = { voice: 'audio', camera: 'video' };

/** Remote tracks remembered per connection, newest first; a peer adding more is bounded by it. */
export const REMEMBERED_TRACKS_MAX = 8;

export interface PersonalChange<T> {
  kind: PersonalKind;
  /** Null: that person's voice or camera went off. */
  track: T | null;
}

export type Announcement = Record<PersonalKind, string | null>;

/**
 * Which remote tracks of one connection are the other side's voice and camera, from the stream
 * ids they announce and the tracks that arrive, in either order. At most one of each; tracks in
 * streams nobody announced are left to the caller (the host's movie, or nothing).
 */
export class RemotePersonalTracks<T extends { kind: string }> {
  #announced: Announcement = { voice: null, camera: null };
  /** Stream id to its latest track, newest first. */
  #byStream = new Map<string, T>();
  #current: Record<PersonalKind, T | null> = { voice: null, camera: null };

  /** The other side said which streams are its voice and camera. */
  announce(announcement: Announcement): PersonalChange<T>[] {
    this.#announced = { ...announcement };
    return this.#settle();
  }

  /**
   * A remote track arrived in stream `streamId`: personal when announced (its changes), else
   * 'other' for the caller to place.
   */
  add(track: T, streamId: string): PersonalChange<T>[] | 'other' {
    this.#byStream.delete(streamId);
    this.#byStream = new Map([[streamId, track], ...this.#byStream]);
    if (this.#byStream.size > REMEMBERED_TRACKS_MAX) {
      this.#byStream = new Map([...this.#byStream].slice(0, REMEMBERED_TRACKS_MAX));
    }
    const announced = Object.values(this.#announced).includes(streamId);
    return announced ? this.#settle() : 'other';
  }

  /** Everything currently on, to be reported off when the connection goes. */
  clear(): PersonalChange<T>[] {
    this.#announced = { voice: null, camera: null };
    this.#byStream.clear();
    return this.#settle();
  }

  #settle(): PersonalChange<T>[] {
    const changes: PersonalChange<T>[] = [];
    for (const kind of PERSONAL_KINDS) {
      const id = this.#announced[kind];
      const candidate = id === null ? undefined : this.#byStream.get(id);
      const track = candidate && candidate.kind === TRACK_KIND[kind] ? candidate : null;
      if (track === this.#current[kind]) continue;
      this.#current[kind] = track;
      changes.push({ kind, track });
    }
    return changes;
  }
}
