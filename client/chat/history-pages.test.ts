import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAT_TEXT_MAX,
  type ChatLine,
  decodePeerMessage,
  encodePeerMessage,
  HISTORY_MAX,
  PEER_MESSAGE_MAX_BYTES,
} from '../../shared/peer-messages';
import { historyPages } from './history-pages';

const line = fc.record({
  id: fc.string({ minLength: 1, maxLength: 64 }),
  from: fc.string({ maxLength: 64 }),
  name: fc.string({ maxLength: 64 }),
  text: fc.string({ minLength: 1, maxLength: CHAT_TEXT_MAX, unit: 'binary' }),
  sentAt: fc.nat(),
});

describe('historyPages', () => {
  it('keeps every line, in order, in pages the receiver accepts', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const pages = historyPages(lines);
        expect(pages.flatMap((p) => p.messages)).toEqual(lines);
        for (const page of pages) {
          const wire = encodePeerMessage(page);
          expect(new TextEncoder().encode(wire).length).toBeLessThanOrEqual(PEER_MESSAGE_MAX_BYTES);
          expect(decodePeerMessage(wire).ok).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('fits a worst-case line (every character escaped) alone', () => {
    const worst: ChatLine = {
      id: 'x'.repeat(64),
      from: 'u'.repeat(64),
      name: 'n'.repeat(64),
      text: '\u0001'.repeat(CHAT_TEXT_MAX),
      sentAt: 1,
    };
    const pages = historyPages([worst, worst]);
    expect(pages).toHaveLength(2);
  });

  it('caps a page at HISTORY_MAX lines', () => {
    const lines = Array.from({ length: HISTORY_MAX + 5 }, (_, i) => ({
      id: `${i}`,
      from: 'u',
      name: 'n',
      text: 'a',
      sentAt: i,
    }));
    const pages = historyPages(lines);
    expect(pages.map((p) => p.messages.length)).toEqual([HISTORY_MAX, 5]);
  });

  it('makes no pages from nothing', () => {
    expect(historyPages([])).toEqual([]);
  });
});
