/** The most cues one subtitles file may hold; a longer file is refused. */
export const SUBTITLE_CUES_MAX = 5000;
/** The most text (UTF-16 units, all cues together) one subtitles file may hold. */
export const SUBTITLE_TEXT_MAX = 2 * 1024 * 1024;
/** The text one cue may hold; longer text is cut, so any single cue fits one page. */
export const CUE_TEXT_MAX = 1000;
/** The largest file the host may pick, bytes (timings and numbering come on top of the text). */
export const SUBTITLE_FILE_MAX_BYTES = 4 * 1024 * 1024;
/**
 * The most pages one subtitles set may come in: SUBTITLE_TEXT_MAX of text escaped at worst
 * fits 16 KiB pages well within this, and it bounds what a receiver holds while assembling.
 */
export const SUBTITLE_PAGES_MAX = 512;
/** Cue times are seconds from the start of the video; ten days is more than any video. */
export const CUE_TIME_MAX = 864_000;
