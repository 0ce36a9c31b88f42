/** One subtitle: shown from `start` until `end` (seconds of media time), plain text lines. */
export interface Cue {
  start: number;
  end: number;
  text: string;
}
