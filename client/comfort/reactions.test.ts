import { describe, expect, it } from 'vitest';
import { REACTION_BURST, REACTION_PER_SECOND, ReactionGate, ReactionTally } from './reactions';

describe('ReactionGate', () => {
  it('lets a burst through, then the steady pace, per person', () => {
    const gate = new ReactionGate();
    const first = Array.from({ length: 50 }, () => gate.admit('ana', 0)).filter(Boolean);
    expect(first).toHaveLength(REACTION_BURST);
    // Ben has his own bucket.
    expect(gate.admit('ben', 0)).toBe(true);
    const later = Array.from({ length: 50 }, () => gate.admit('ana', 1000)).filter(Boolean);
    expect(later).toHaveLength(REACTION_PER_SECOND);
  });

  it('starts afresh for someone forgotten', () => {
    const gate = new ReactionGate();
    for (let i = 0; i < REACTION_BURST; i += 1) gate.admit('ana', 0);
    expect(gate.admit('ana', 0)).toBe(false);
    gate.forget('ana');
    expect(gate.admit('ana', 0)).toBe(true);
  });
});

describe('ReactionTally', () => {
  it('counts a burst of one person into one line', () => {
    const tally = new ReactionTally();
    expect(tally.add('p1', 'Ana', '😂')).toBe(true);
    expect(tally.add('p1', 'Ana', '😂')).toBe(false);
    expect(tally.add('p2', 'Ben', '👍')).toBe(true);
    expect(tally.add('p1', 'Ana', '👍')).toBe(false);
    expect(tally.add('p1', 'Ana', '😂')).toBe(false);
    expect(tally.close('p1')).toBe('Ana reacted 😂 ×3 👍');
    expect(tally.close('p1')).toBeNull();
    expect(tally.close('p2')).toBe('Ben reacted 👍');
    expect(tally.add('p1', 'Ana', '🎉')).toBe(true);
  });
});
