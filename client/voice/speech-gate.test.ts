import { describe, expect, it } from 'vitest';
import { HOLD_MS, levelDb, OFF_DB, ON_DB, SpeechGate } from './speech-gate';

describe('levelDb', () => {
  it('reads a full-scale square wave as 0 dBFS and silence as -Infinity', () => {
    expect(levelDb(new Float32Array([1, -1, 1, -1]))).toBeCloseTo(0);
    expect(levelDb(new Float32Array(8))).toBe(-Infinity);
  });
});

describe('SpeechGate', () => {
  it('starts speaking above ON_DB at once', () => {
    const gate = new SpeechGate();
    expect(gate.update(ON_DB + 1, 0)).toBe(true);
    expect(gate.speaking).toBe(true);
  });

  it('does not start between the thresholds', () => {
    const gate = new SpeechGate();
    gate.update((ON_DB + OFF_DB) / 2, 0);
    expect(gate.speaking).toBe(false);
  });

  it('keeps speaking through a short pause and between the thresholds', () => {
    const gate = new SpeechGate();
    gate.update(ON_DB + 1, 0);
    gate.update(-90, 100);
    gate.update(-90, 100 + HOLD_MS - 1);
    expect(gate.speaking).toBe(true);
    gate.update((ON_DB + OFF_DB) / 2, 1000);
    gate.update((ON_DB + OFF_DB) / 2, 1000 + HOLD_MS * 3);
    expect(gate.speaking).toBe(true);
  });

  it('stops after HOLD_MS below OFF_DB, and a word in between starts the hold again', () => {
    const gate = new SpeechGate();
    gate.update(ON_DB + 1, 0);
    gate.update(-90, 100);
    gate.update(ON_DB + 1, 300);
    gate.update(-90, 400);
    expect(gate.update(-90, 400 + HOLD_MS - 1)).toBe(false);
    expect(gate.update(-90, 400 + HOLD_MS)).toBe(true);
    expect(gate.speaking).toBe(false);
  });
});
