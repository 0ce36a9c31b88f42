import { describe, expect, it } from 'vitest';
import { LIVE_MAX_FRAMERATE, liveEncoding } from './live-encoding';

describe('liveEncoding', () => {
  it('sends 720p and smaller as they are', () => {
    expect(liveEncoding({ width: 1280, height: 720 })).toEqual({
      maxFramerate: LIVE_MAX_FRAMERATE,
      scaleResolutionDownBy: 1,
    });
    expect(liveEncoding({ width: 320, height: 240 }).scaleResolutionDownBy).toBe(1);
  });

  it('scales larger pictures down to a 720-pixel shorter side, portrait too', () => {
    expect(liveEncoding({ width: 1920, height: 1080 }).scaleResolutionDownBy).toBe(1.5);
    expect(liveEncoding({ width: 2160, height: 3840 }).scaleResolutionDownBy).toBe(3);
  });

  it('leaves a track whose size is not known yet unscaled', () => {
    expect(liveEncoding({}).scaleResolutionDownBy).toBe(1);
  });
});
