/**
 * Ceilings for the host's live stream. Each guest gets an encode of its own, in software on
 * most hosts, so the cost grows with pixels × frames × guests: a 1080p film sent to four guests
 * outruns a small laptop long before the network does. Movies rarely exceed 30 fps, and 720p
 * keeps the picture sharp in a browser window; sharing the file itself (not a re-encode) is the
 * way to the original quality.
 */
export const LIVE_MAX_SHORT_SIDE = 720;
export const LIVE_MAX_FRAMERATE = 30;

export interface LiveEncoding {
  maxFramerate: number;
  scaleResolutionDownBy: number;
}

/** The encoding limits for a captured track of this size (its shorter side, so portrait too). */
export function liveEncoding(settings: { width?: number; height?: number }): LiveEncoding {
  const shortSide = Math.min(settings.width ?? 0, settings.height ?? 0);
  return {
    maxFramerate: LIVE_MAX_FRAMERATE,
    scaleResolutionDownBy: shortSide > LIVE_MAX_SHORT_SIDE ? shortSide / LIVE_MAX_SHORT_SIDE : 1,
  };
}

/**
 * Applies the limits for `track` to the connection's video sender. A
 * sender without encodings yet (before negotiation) or a browser that refuses the change
 * keeps sending uncapped: a heavier encode, never a missing picture.
 */
export async function capLiveVideo(pc: RTCPeerConnection, track: MediaStreamTrack): Promise<void> {
  // By transceiver, not by track: after replaceTrack the sender shows the old track for a while.
  const sender = pc
    .getTransceivers()
    .find(
      (t) =>
        t.receiver.track.kind === 'video' &&
        (t.direction === 'sendrecv' || t.direction === 'sendonly'),
    )?.sender;
  if (!sender) return;
  const params = sender.getParameters();
  const encoding = params.encodings?.[0];
  if (!encoding) return;
  const cap = liveEncoding(track.getSettings());
  if (
    encoding.maxFramerate === cap.maxFramerate &&
    encoding.scaleResolutionDownBy === cap.scaleResolutionDownBy
  )
    return;
  encoding.maxFramerate = cap.maxFramerate;
  encoding.scaleResolutionDownBy = cap.scaleResolutionDownBy;
  await sender.setParameters(params).catch(() => undefined);
}
