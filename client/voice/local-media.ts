import type { PersonalKind } from '../mesh/personal-tracks';

export type LocalTrack = { ok: true; track: MediaStreamTrack } | { ok: false; message: string };

const DEVICE: Record<PersonalKind, string> = { voice: 'microphone', camera: 'camera' };

/** Echo cancellation and friends: voices come out of the same speakers as the movie. */
const CONSTRAINTS: Record<PersonalKind, MediaStreamConstraints> = {
  voice: { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } },
  camera: { video: { width: 320, height: 240, frameRate: { max: 15 } } },
};

/** Opens the microphone or the camera, or says in words why not. */
export async function openLocal(kind: PersonalKind): Promise<LocalTrack> {
  const device = DEVICE[kind];
  if (!navigator.mediaDevices?.getUserMedia) {
    return { ok: false, message: `This page cannot use a ${device} here (it needs HTTPS).` };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS[kind]);
    const [track] = stream.getTracks();
    if (track) return { ok: true, track };
    return { ok: false, message: `No ${device} was found.` };
  } catch (err) {
    return { ok: false, message: refusal(err, device) };
  }
}

function refusal(err: unknown, device: string): string {
  const name = err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Your ${device} is blocked. Allow it for this site in the browser’s settings, then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${device} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${device} could not be started: another program may be using it.`;
    default:
      return `Your ${device} could not be started.`;
  }
}
