/**
 * The live stream's video codec: H.264 first where both browsers have it, VP8 (which every
 * WebRTC browser must have) and the rest after it. Measured here (docs/benchmarks.md, "Codec"):
 * with 3 guests H.264 took 4.5 ms to encode a 640x360 frame against VP8's 16–18 ms, a quarter
 * less host CPU per guest, and gave a sharper picture at a lower bitrate.
 */
export const PREFERRED_VIDEO_CODEC = 'video/H264';

/** Codec entries in order of preference: the preferred codec first, non-interleaved H.264 first among them. */
export function preferredCodecOrder<C extends { mimeType: string; sdpFmtpLine?: string }>(
  codecs: readonly C[],
  preferred = PREFERRED_VIDEO_CODEC,
): C[] {
  const rank = (c: C): number => {
    if (c.mimeType.toLowerCase() !== preferred.toLowerCase()) return 2;
    // packetization-mode=0 sends one NAL unit per packet, which large frames cannot fit.
    return /packetization-mode=1/.test(c.sdpFmtpLine ?? '') ? 0 : 1;
  };
  return codecs
    .map((codec, index) => ({ codec, index }))
    .sort((a, b) => rank(a.codec) - rank(b.codec) || a.index - b.index)
    .map((e) => e.codec);
}

/**
 * Sets that order on every video transceiver of a connection. It holds for every later offer
 * and answer on that transceiver; a browser without the preferred codec keeps its own order.
 */
export function preferVideoCodec(pc: RTCPeerConnection): void {
  // Absent outside browsers (the tests' Node peers) and on a connection without transceivers.
  if (typeof RTCRtpReceiver === 'undefined' || typeof pc.getTransceivers !== 'function') return;
  const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs;
  if (!codecs) return;
  const ordered = preferredCodecOrder(codecs);
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.receiver.track.kind !== 'video' || transceiver.currentDirection === 'stopped')
      continue;
    try {
      transceiver.setCodecPreferences(ordered);
    } catch {
      // A browser that refuses the list negotiates with its default order: still a picture.
    }
  }
}
