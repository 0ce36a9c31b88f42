import { describe, expect, it } from 'vitest';
import { addEntries, CHAT_LOG_MAX, type ChatEntry, chatLines } from './chat-log';

const chat = (id: string, sentAt: number, text = id): ChatEntry => ({
  kind: 'chat',
  own: false,
  at: sentAt,
  line: { id, from: 'u1', name: 'ann', text, sentAt },
});

describe('addEntries', () => {
  it('returns a new array and leaves the old one alone', () => {
    const before: ChatEntry[] = [];
    const after = addEntries(before, [chat('a', 1)]);
    expect(after).not.toBe(before);
    expect(before).toHaveLength(0);
  });

  it('drops duplicate ids, from history or resent', () => {
    const log = addEntries([], [chat('a', 1), chat('b', 2)]);
    expect(addEntries(log, [chat('a', 1), chat('b', 2, 'changed')])).toEqual(log);
  });

  it('does not let one author hide the line of another by reusing its id', () => {
    const real = chat('same', 1, 'the real line');
    const forged: ChatEntry = {
      kind: 'chat',
      own: false,
      at: 2,
      line: { id: 'same', from: 'u2', name: 'mallory', text: 'forged', sentAt: 2 },
    };
    const log = addEntries(addEntries([], [forged]), [real]);
    expect(log.map((e) => (e.kind === 'chat' ? e.line.text : ''))).toEqual([
      'the real line',
      'forged',
    ]);
  });

  it('keeps time order when older history arrives late', () => {
    const log = addEntries(
      [],
      [chat('c', 30), { kind: 'system', id: 's', text: 'joined', at: 35 }],
    );
    const merged = addEntries(log, [chat('a', 10), chat('b', 20)]);
    expect(merged.map((e) => (e.kind === 'chat' ? e.line.id : e.id))).toEqual(['a', 'b', 'c', 's']);
  });

  it('keeps arrival order for equal times', () => {
    const log = addEntries([], [chat('x', 5), chat('y', 5)]);
    expect(log.map((e) => (e.kind === 'chat' ? e.line.id : ''))).toEqual(['x', 'y']);
  });

  it('keeps at most CHAT_LOG_MAX entries, dropping the oldest', () => {
    const many = Array.from({ length: CHAT_LOG_MAX + 3 }, (_, i) => chat(`m${i}`, i));
    const log = addEntries([], many);
    expect(log).toHaveLength(CHAT_LOG_MAX);
    expect(log[0]).toEqual(many[3]);
  });
});

describe('chatLines', () => {
  it('gives the newest chat lines without system lines', () => {
    const log = addEntries(
      [],
      [chat('a', 1), { kind: 'system', id: 's', text: 'x', at: 2 }, chat('b', 3), chat('c', 4)],
    );
    expect(chatLines(log, 2).map((l) => l.id)).toEqual(['b', 'c']);
  });
});
