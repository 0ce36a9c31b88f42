import { describe, expect, it } from 'vitest';
import { preferredCodecOrder } from './codec-preference';

const codec = (mimeType: string, sdpFmtpLine?: string) => ({ mimeType, sdpFmtpLine });

describe('preferredCodecOrder', () => {
  it('puts H.264 first, packetization-mode=1 before 0, and keeps everything else in order', () => {
    const list = [
      codec('video/VP8'),
      codec('video/rtx', 'apt=96'),
      codec('video/H264', 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f'),
      codec('video/H264', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f'),
      codec('video/VP9', 'profile-id=0'),
      codec('video/H264', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'),
    ];
    expect(preferredCodecOrder(list).map((c) => `${c.mimeType} ${c.sdpFmtpLine ?? ''}`)).toEqual([
      'video/H264 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
      'video/H264 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'video/H264 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f',
      'video/VP8 ',
      'video/rtx apt=96',
      'video/VP9 profile-id=0',
    ]);
  });

  it('leaves a list without the preferred codec as it was', () => {
    const list = [codec('video/VP8'), codec('video/VP9'), codec('video/AV1')];
    expect(preferredCodecOrder(list)).toEqual(list);
  });
});
