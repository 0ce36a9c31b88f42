import type { Cue } from './cue';
import { CUE_TEXT_MAX, CUE_TIME_MAX, SUBTITLE_CUES_MAX, SUBTITLE_TEXT_MAX } from './limits';

export type ParseResult =
  | { ok: true; cues: Cue[] }
  | { ok: false; reason: 'no-cues' | 'too-many-cues' | 'too-much-text' };

// Hours are optional (WebVTT); SRT writes a comma before the milliseconds, WebVTT a dot.
const TIMESTAMP = String.raw`(?:(\d{1,5}):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})`;
const TIMING = new RegExp(String.raw`^\s*${TIMESTAMP}\s*-->\s*${TIMESTAMP}`);

/**
 * Reads SRT or WebVTT text into cues sorted by start. Only timing lines and the text under
 * them count: numbering, the WEBVTT header, NOTE, STYLE and REGION blocks and cue settings
 * are skipped. Text loses its markup (`<b>`, `<c.x>`, `{\an8}`) and keeps its words: it is
 * shown as text, never as HTML. Never throws; a broken block is skipped.
 */
export function parseSubtitles(source: string): ParseResult {
  const cues: Cue[] = [];
  let text = 0;
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const timing = TIMING.exec(lines[i] ?? '');
    if (!timing) continue;
    const body: string[] = [];
    // The cue's text runs to the first blank line (or the next timing line, in a sloppy file).
    while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== '') {
      if (TIMING.test(lines[i + 1] ?? '')) break;
      i += 1;
      body.push(lines[i] ?? '');
    }
    const start = seconds(timing, 1);
    const end = seconds(timing, 5);
    const cueText = plainText(body);
    if (end <= start || end > CUE_TIME_MAX || cueText === '') continue;
    if (cues.length >= SUBTITLE_CUES_MAX) return { ok: false, reason: 'too-many-cues' };
    text += cueText.length;
    if (text > SUBTITLE_TEXT_MAX) return { ok: false, reason: 'too-much-text' };
    cues.push({ start, end, text: cueText });
  }
  if (cues.length === 0) return { ok: false, reason: 'no-cues' };
  // Stable: cues starting together keep the file's order.
  cues.sort((a, b) => a.start - b.start);
  return { ok: true, cues };
}

function seconds(match: RegExpExecArray, first: number): number {
  const part = (k: number) => match[first + k] ?? '0';
  const ms = Number(part(3).padEnd(3, '0'));
  return Number(part(0)) * 3600 + Number(part(1)) * 60 + Number(part(2)) + ms / 1000;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&nbsp;': '\u00a0',
  '&lrm;': '\u200e',
  '&rlm;': '\u200f',
};

/** A cue's lines as plain text: tags and control characters gone, entities read, cut to CUE_TEXT_MAX. */
export function plainText(lines: readonly string[]): string {
  // Markup goes from the cue as a whole: a tag may run over a line break, as the WebVTT
  // tokenizer reads it too.
  const text = lines
    .join('\n')
    .replace(/<[^>]*>/g, '')
    .replace(/\{\\[^}]*\}/g, '')
    .split('\n')
    .map((line) =>
      line
        .replace(/&(?:amp|lt|gt|quot|apos|nbsp|lrm|rlm);/g, (entity) => ENTITIES[entity] ?? '')
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
        .replace(/[\u0000-\u001f\u007f]/g, '')
        .trim(),
    )
    .filter((line) => line !== '')
    .join('\n');
  return text.length > CUE_TEXT_MAX ? text.slice(0, CUE_TEXT_MAX) : text;
}
