import { describe, expect, it } from 'vitest';
import { DUCK_DOWN_MS, DUCK_UP_MS, DUCKED, nextFactor, VideoDucker } from './ducking';

describe('nextFactor', () => {
  it('goes down to DUCKED within DUCK_DOWN_MS, smoothly', () => {
    const half = nextFactor(1, DUCKED, DUCK_DOWN_MS / 2);
    expect(half).toBeCloseTo((1 + DUCKED) / 2);
    expect(nextFactor(half, DUCKED, DUCK_DOWN_MS)).toBe(DUCKED);
  });

  it('comes back up more slowly and never past the target', () => {
    expect(nextFactor(DUCKED, 1, DUCK_DOWN_MS)).toBeLessThan(1);
    expect(nextFactor(DUCKED, 1, DUCK_UP_MS * 2)).toBe(1);
  });
});

describe('VideoDucker', () => {
  const video = (volume: number) => ({ volume }) as HTMLMediaElement;

  it('lowers the video by the factor and gives its volume back', () => {
    const v = video(0.8);
    const ducker = new VideoDucker();
    ducker.apply(v, 0.5);
    expect(v.volume).toBeCloseTo(0.4);
    ducker.apply(v, 1);
    expect(v.volume).toBeCloseTo(0.8);
  });

  it('leaves the video alone while nobody speaks', () => {
    const v = video(0.6);
    const ducker = new VideoDucker();
    ducker.apply(v, 1);
    v.volume = 0.2;
    ducker.apply(v, 1);
    expect(v.volume).toBe(0.2);
  });

  it('keeps a volume the person chose while ducked as the level to return to', () => {
    const v = video(1);
    const ducker = new VideoDucker();
    ducker.apply(v, 0.5);
    v.volume = 0.25; // they turned it down while someone talked
    ducker.apply(v, 0.5);
    expect(v.volume).toBeCloseTo(0.25);
    ducker.apply(v, 1);
    expect(v.volume).toBeCloseTo(0.5);
  });
});
