import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUE_TEXT_MAX, SUBTITLE_CUES_MAX } from './limits';
import { parseSubtitles } from './parse';

const SRT = `1
00:00:01,000 --> 00:00:02,500
Hello <b>there</b>

2
00:00:03,000 --> 00:00:04,000
<script>alert(1)</script> &amp; more
second line
`;

const VTT = `WEBVTT - a title

NOTE a comment
that spans lines

STYLE
::cue { color: red }

intro
00:01.000 --> 00:02.000 align:start position:10%
<v Ana>Hi <c.yellow>you</c></v>

01:00:00.500 --> 01:00:01.000
{\\an8}Up top &lt;3
`;

describe('parseSubtitles', () => {
  it('reads SRT cues, tags stripped and entities read', () => {
    const parsed = parseSubtitles(SRT);
    expect(parsed).toEqual({
      ok: true,
      cues: [
        { start: 1, end: 2.5, text: 'Hello there' },
        { start: 3, end: 4, text: 'alert(1) & more\nsecond line' },
      ],
    });
  });

  it('strips a tag that runs over a line break, as the WebVTT tokenizer does', () => {
    expect(parseSubtitles('00:00:01.000 --> 00:00:02.000\nsay <c\n.loud>hi</c>\n<\n>')).toEqual({
      ok: true,
      cues: [{ start: 1, end: 2, text: 'say hi' }],
    });
  });

  it('reads WebVTT, skipping the header, notes, styles, identifiers and cue settings', () => {
    expect(parseSubtitles(VTT)).toEqual({
      ok: true,
      cues: [
        { start: 1, end: 2, text: 'Hi you' },
        { start: 3600.5, end: 3601, text: 'Up top <3' },
      ],
    });
  });

  it('takes Windows line ends, a byte-order mark and short milliseconds', () => {
    const parsed = parseSubtitles('\uFEFF1\r\n00:00:01,5 --> 00:00:02,25\r\nA\r\n');
    expect(parsed).toEqual({ ok: true, cues: [{ start: 1.5, end: 2.25, text: 'A' }] });
  });

  it('skips cues that end before they start or hold no text, and sorts by start', () => {
    const parsed = parseSubtitles(
      '00:00:09.000 --> 00:00:10.000\nlate\n\n00:00:05.000 --> 00:00:04.000\nbackwards\n\n' +
        '00:00:01.000 --> 00:00:02.000\n<i></i>\n\n00:00:02.000 --> 00:00:03.000\nearly\n',
    );
    expect(parsed).toEqual({
      ok: true,
      cues: [
        { start: 2, end: 3, text: 'early' },
        { start: 9, end: 10, text: 'late' },
      ],
    });
  });

  it('refuses text with no cues, and files over the limits', () => {
    expect(parseSubtitles('just some text')).toEqual({ ok: false, reason: 'no-cues' });
    const many = Array.from(
      { length: SUBTITLE_CUES_MAX + 1 },
      (_, i) => `00:00:${String(i % 60).padStart(2, '0')}.000 --> 00:01:00.000\nx\n`,
    ).join('\n');
    expect(parseSubtitles(many)).toEqual({ ok: false, reason: 'too-many-cues' });
    const big = Array.from(
      { length: 3000 },
      () => `00:00:01.000 --> 00:00:02.000\n${'y'.repeat(CUE_TEXT_MAX)}\n`,
    ).join('\n');
    expect(parseSubtitles(big)).toEqual({ ok: false, reason: 'too-much-text' });
  });

  it('cuts a very long cue to CUE_TEXT_MAX', () => {
    const parsed = parseSubtitles(`00:00:01.000 --> 00:00:02.000\n${'z'.repeat(5000)}\n`);
    expect(parsed.ok && parsed.cues[0]?.text.length).toBe(CUE_TEXT_MAX);
  });

  it('never throws and only gives sorted, tag-free, bounded cues, whatever the input', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom('', 'WEBVTT', '<b>x</b>', '<script>', '00:00:01,000 --> 00:00:03,000'),
      fc
        .tuple(fc.nat(100), fc.nat(100))
        .map(([a, b]) => `00:00:${String(a % 60).padStart(2, '0')}.000 --> 00:01:${b % 60}.5`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const parsed = parseSubtitles(lines.join('\n'));
        if (!parsed.ok) return;
        let previous = 0;
        for (const cue of parsed.cues) {
          expect(cue.start).toBeGreaterThanOrEqual(previous);
          expect(cue.end).toBeGreaterThan(cue.start);
          expect(cue.text).not.toMatch(/<[^>]*>/);
          expect(cue.text.length).toBeGreaterThan(0);
          expect(cue.text.length).toBeLessThanOrEqual(CUE_TEXT_MAX);
          previous = cue.start;
        }
      }),
    );
  });
});
