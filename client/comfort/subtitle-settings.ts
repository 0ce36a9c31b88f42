import { z } from 'zod/mini';

/** The sizes a person may pick for subtitles, smallest first, with their labels. */
export const SUBTITLE_SIZES = {
  small: 'Small',
  medium: 'Medium',
  large: 'Large',
  'extra-large': 'Extra large',
} as const;
export type SubtitleSize = keyof typeof SUBTITLE_SIZES;

/** A delay past this many seconds either way is surely a typo; it is held there. */
export const SUBTITLE_DELAY_MAX = 600;

const settingsSchema = z.object({
  show: z.boolean(),
  /** Seconds the subtitles come later (negative: earlier) than the host's file says. */
  delay: z.number().check(z.gte(-SUBTITLE_DELAY_MAX), z.lte(SUBTITLE_DELAY_MAX)),
  size: z.enum(Object.keys(SUBTITLE_SIZES) as [SubtitleSize, ...SubtitleSize[]]),
});
export type SubtitleSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SUBTITLE_SETTINGS: SubtitleSettings = { show: true, delay: 0, size: 'medium' };

type Store = Pick<Storage, 'getItem' | 'setItem'>;
const key = (userId: string) => `lc-subtitles:${userId}`;

/** This person's subtitle settings on this device; the defaults when none (or broken) are kept. */
export function loadSubtitleSettings(storage: Store, userId: string): SubtitleSettings {
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(storage.getItem(key(userId)) ?? 'null'));
    return parsed.success ? parsed.data : { ...DEFAULT_SUBTITLE_SETTINGS };
  } catch {
    return { ...DEFAULT_SUBTITLE_SETTINGS };
  }
}

/** Keeps the settings for this person on this device; they are never sent anywhere. */
export function saveSubtitleSettings(
  storage: Store,
  userId: string,
  settings: SubtitleSettings,
): void {
  try {
    storage.setItem(key(userId), JSON.stringify(settings));
  } catch {
    // Storage full or refused (private mode): the settings hold for this page only.
  }
}

/** A delay typed into the field, in 0.1 s steps within ±SUBTITLE_DELAY_MAX; null if not a number. */
export function readDelay(value: string): number | null {
  const delay = Number.parseFloat(value);
  if (!Number.isFinite(delay)) return null;
  const held = Math.min(SUBTITLE_DELAY_MAX, Math.max(-SUBTITLE_DELAY_MAX, delay));
  return Math.round(held * 10) / 10;
}
