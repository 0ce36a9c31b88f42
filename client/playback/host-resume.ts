import { z } from 'zod/mini';
import { targetPosition } from '../../shared/sync/target';
import type { PlayerAdapter } from '../players/player-adapter';
import { type Clock, now as clockNow } from '../util/clock';

const KEY_PREFIX = 'lc.host-resume.';
/** Older than this, a saved state belongs to a room the server has long closed. */
export const RESUME_MAX_AGE_MS = 24 * 3600 * 1000;

const resumeStateSchema = z.object({
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('url'), url: z.string().check(z.maxLength(2048)) }),
    z.object({
      kind: z.literal('stream'),
      name: z.string().check(z.maxLength(255)),
      size: z.number().check(z.gte(0)),
    }),
  ]),
  paused: z.boolean(),
  /** seconds */
  position: z.number().check(z.gte(0)),
  rate: z.number().check(z.gt(0)),
  /** The host's clock when the state held, ms since the epoch. */
  at: z.number().check(z.gte(0)),
});

/** What the host showed, kept so a reloaded or reopened tab can carry on. */
export type HostResumeState = z.infer<typeof resumeStateSchema>;
export type ResumeSource = HostResumeState['source'];

/**
 * Where to carry on from at `now` (ms): a URL kept playing for the guests while the host was
 * away, so it is extrapolated; a streamed file stopped for everyone when the host left.
 */
export function resumePosition(state: HostResumeState, now: number): number {
  return state.source.kind === 'url' ? targetPosition(state, now) : state.position;
}

/** Off the guests' timeline by less than this (s), a resumed host takes over without a seek from anyone. */
export const RESUME_ALIGNED_S = 0.04;
const CATCH_UP_SEEKS = 3;
const START_TIMEOUT_MS = 3000;

/**
 * Starts a reopened player and brings it onto the timeline guests kept playing on while the
 * host was away: once it really moves, it seeks ahead by what its last seek took until it is
 * within RESUME_ALIGNED_S. Guests then hear a host that agrees with them, so none of them
 * jumps (their drift controllers seek only from 0.15 s). Resolves with the error left (s), or
 * null when the player would not start.
 */
export async function playInStep(
  player: PlayerAdapter,
  state: HostResumeState,
  clock: Clock,
): Promise<number | null> {
  const error = () => player.currentTime - resumePosition(state, clock.now());
  const moving = new Promise<void>((resolve) => {
    const done = (): void => {
      off();
      cancel();
      resolve();
    };
    const off = player.on('playing', done);
    const cancel = clock.after(START_TIMEOUT_MS, done);
  });
  try {
    await player.play();
  } catch {
    return null;
  }
  await moving;
  let leadMs = 0;
  for (let i = 0; i < CATCH_UP_SEEKS && Math.abs(error()) > RESUME_ALIGNED_S; i += 1) {
    const startedAt = clock.now();
    await player.seek(resumePosition(state, startedAt + leadMs));
    leadMs = clock.now() - startedAt;
  }
  return error();
}

/**
 * The host's last playback state per room in localStorage: written with every sync the host
 * sends, read when the host enters the room again. A closed tab keeps nothing else, and the
 * server never sees it.
 */
export class HostResumeStore {
  readonly #key: string;

  constructor(
    private readonly storage: Pick<
      Storage,
      'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'
    >,
    roomId: string,
    private readonly now: () => number = clockNow,
  ) {
    this.#key = KEY_PREFIX + roomId;
  }

  /** The saved state if there is a sound, recent one; anything else is forgotten. */
  load(): HostResumeState | null {
    const raw = this.storage.getItem(this.#key);
    if (raw === null) return null;
    const parsed = resumeStateSchema.safeParse(parseJson(raw));
    if (parsed.success && this.now() - parsed.data.at <= RESUME_MAX_AGE_MS) return parsed.data;
    this.clear();
    return null;
  }

  save(state: HostResumeState): void {
    try {
      this.storage.setItem(this.#key, JSON.stringify(state));
    } catch {
      // Storage full or refused (private mode): resuming is a nicety, playback goes on.
    }
  }

  clear(): void {
    this.storage.removeItem(this.#key);
  }

  /** Drops other rooms' states that are too old to use, so storage does not fill with them. */
  prune(): void {
    const stale: string[] = [];
    for (let i = 0; i < this.storage.length; i += 1) {
      const key = this.storage.key(i);
      if (key?.startsWith(KEY_PREFIX) && key !== this.#key) {
        const parsed = resumeStateSchema.safeParse(parseJson(this.storage.getItem(key) ?? ''));
        if (!parsed.success || this.now() - parsed.data.at > RESUME_MAX_AGE_MS) stale.push(key);
      }
    }
    for (const key of stale) this.storage.removeItem(key);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
