import { z } from 'zod/mini';
import { CUE_TEXT_MAX, CUE_TIME_MAX, SUBTITLE_PAGES_MAX } from './limits';

const cueTime = z.number().check(z.gte(0), z.lte(CUE_TIME_MAX));

export const cueSchema = z.object({
  start: cueTime,
  end: cueTime,
  text: z.string().check(z.minLength(1), z.maxLength(CUE_TEXT_MAX)),
});

/**
 * One page of the host's subtitles: the set's ID (a new one for each file the host picks),
 * which page this is and how many there are. Each page fits one data-channel message.
 */
export const subtitlesSchema = z.object({
  type: z.literal('subtitles'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  page: z.int().check(z.gte(0), z.lt(SUBTITLE_PAGES_MAX)),
  pages: z.int().check(z.gte(1), z.lte(SUBTITLE_PAGES_MAX)),
  cues: z.array(cueSchema).check(z.minLength(1)),
});
export type SubtitlesPage = z.infer<typeof subtitlesSchema>;

/** The host removed its subtitles. */
export const subtitlesOffSchema = z.object({ type: z.literal('subtitles-off') });

export const subtitleMessageSchemas = [subtitlesSchema, subtitlesOffSchema] as const;
