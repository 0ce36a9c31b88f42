import type { Source } from '../../shared/peer-messages';
import { formatBytes } from '../util/format';

export type LocalSource = Extract<Source, { kind: 'local' }>;

/** How much of each end of a file is hashed: reading the whole of a film would take seconds. */
export const FINGERPRINT_EDGE_BYTES = 1024 * 1024;
/** Containers report the same file's duration alike; more than this means another encode. */
const DURATION_TOLERANCE_S = 0.1;
const NAME_MAX = 255;

/** SHA-256 (hex) over the first and the last MiB of a file, or all of it when smaller than 2 MiB. */
export async function edgeHash(file: Blob): Promise<string> {
  const edge = FINGERPRINT_EDGE_BYTES;
  const parts =
    file.size <= 2 * edge ? [file] : [file.slice(0, edge), file.slice(file.size - edge)];
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The `local` source a host announces for its own copy; `duration` comes from its player. */
export async function fingerprintFile(
  file: Blob & { readonly name: string },
  duration: number | null,
): Promise<LocalSource> {
  return {
    kind: 'local',
    name: file.name.slice(0, NAME_MAX),
    size: file.size,
    duration: duration !== null && Number.isFinite(duration) && duration >= 0 ? duration : null,
    sha256: await edgeHash(file),
  };
}

export type FingerprintMatch =
  | { ok: true }
  | { ok: false; reason: 'size' | 'content' | 'duration'; message: string };

/** Whether a guest's file is the host's, and if not, why, in words the guest can act on. */
export function compareFingerprint(mine: LocalSource, host: LocalSource): FingerprintMatch {
  const theirs = `the host's "${host.name}"`;
  if (mine.size !== host.size) {
    return {
      ok: false,
      reason: 'size',
      message: `This file is not ${theirs}: its size differs (${formatBytes(mine.size)} here, ${formatBytes(host.size)} at the host).`,
    };
  }
  if (mine.sha256 !== host.sha256) {
    return {
      ok: false,
      reason: 'content',
      message: `This file is not ${theirs}: it has the same size but different content.`,
    };
  }
  if (
    mine.duration !== null &&
    host.duration !== null &&
    Math.abs(mine.duration - host.duration) > DURATION_TOLERANCE_S
  ) {
    return {
      ok: false,
      reason: 'duration',
      message: `This file is not ${theirs}: it plays for ${mine.duration.toFixed(1)} s, the host's for ${host.duration.toFixed(1)} s.`,
    };
  }
  return { ok: true };
}
