import { SUBTITLE_CUES_MAX, SUBTITLE_FILE_MAX_BYTES } from '../../shared/subtitles/limits';

/** Why a subtitles file (or a track in a video file) was refused, after its name. */
export const REFUSED: Record<string, string> = {
  'too-large': `is larger than ${SUBTITLE_FILE_MAX_BYTES / 1024 / 1024} MB, too large for subtitles`,
  'not-text': 'is not a text file; choose an .srt or .vtt subtitles file',
  'no-cues': 'holds no subtitles; choose an .srt or .vtt subtitles file',
  'too-many-cues': `holds more than ${SUBTITLE_CUES_MAX} subtitles`,
  'too-much-text': 'holds too much text for subtitles',
};
