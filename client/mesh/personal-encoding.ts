import type { PersonalKind } from './personal-tracks';

/** Opus voice at about 32 kbit/s; the picture of a face, small and slow, under 250 kbit/s. */
export const VOICE_MAX_BITRATE = 32_000;
export const CAMERA_MAX_BITRATE = 250_000;
export const CAMERA_MAX_FRAMERATE = 15;

type Encoding = RTCRtpEncodingParameters & {
  /** Chromium's network priority (DSCP); not in TypeScript's DOM types yet. */
  networkPriority?: RTCPriorityType;
};

const CAPS: Record<PersonalKind, Encoding> = {
  voice: { maxBitrate: VOICE_MAX_BITRATE, priority: 'low', networkPriority: 'low' },
  camera: {
    maxBitrate: CAMERA_MAX_BITRATE,
    maxFramerate: CAMERA_MAX_FRAMERATE,
    priority: 'very-low',
    networkPriority: 'very-low',
  },
};

/**
 * Caps a voice or camera sender so the host's movie keeps the bandwidth (its sender keeps the
 * default priority, above these). A sender has encodings only once negotiated: until then, and
 * in a browser that refuses a field, it sends uncapped rather than not at all.
 */
export async function capPersonal(sender: RTCRtpSender, kind: PersonalKind): Promise<void> {
  const params = sender.getParameters();
  const encoding: Encoding | undefined = params.encodings?.[0];
  if (!encoding || encoding.maxBitrate === CAPS[kind].maxBitrate) return;
  Object.assign(encoding, CAPS[kind]);
  await sender.setParameters(params).catch(() => undefined);
}
