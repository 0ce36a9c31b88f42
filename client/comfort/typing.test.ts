import { describe, expect, it } from 'vitest';
import { TYPING_SHOW_MS, TypingBoard, TypingThrottle, typingText } from './typing';

describe('TypingThrottle', () => {
  it('lets one mark through per second however fast the keys come', () => {
    const throttle = new TypingThrottle();
    const sent = [0, 100, 500, 999, 1000, 1500, 2100].filter((t) => throttle.due(t));
    expect(sent).toEqual([0, 1000, 2100]);
  });

  it('starts afresh after a line is sent', () => {
    const throttle = new TypingThrottle();
    expect(throttle.due(0)).toBe(true);
    throttle.reset();
    expect(throttle.due(10)).toBe(true);
  });
});

describe('TypingBoard', () => {
  it('shows a name until five seconds after its last mark', () => {
    const board = new TypingBoard();
    board.mark('p1', 'Ana', 0);
    board.mark('p1', 'Ana', 3000);
    expect(board.names(3000 + TYPING_SHOW_MS - 1)).toEqual(['Ana']);
    expect(board.nextExpiry()).toBe(3000 + TYPING_SHOW_MS);
    expect(board.names(3000 + TYPING_SHOW_MS)).toEqual([]);
    expect(board.nextExpiry()).toBeNull();
  });

  it('keys marks by link, so repeated marks from one peer show one name', () => {
    const board = new TypingBoard();
    board.mark('p1', 'Ana', 0);
    board.mark('p1', 'Ana', 10);
    board.mark('p2', 'Ben', 20);
    expect(board.names(30)).toEqual(['Ana', 'Ben']);
    board.clear('p1');
    expect(board.names(30)).toEqual(['Ben']);
  });
});

describe('typingText', () => {
  it('names one or two people and counts more', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Ana'])).toBe('Ana is typing…');
    expect(typingText(['Ana', 'Ben'])).toBe('Ana and Ben are typing…');
    expect(typingText(['Ana', 'Ben', 'Cy'])).toBe('Several people are typing…');
  });
});
