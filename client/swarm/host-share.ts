import { CHUNKS_MAX } from '../../shared/swarm/chunk-layout';
import { CHUNK_BYTES, type FileSource } from '../../shared/swarm/messages';
import type { MeshController } from '../mesh/mesh-controller';
import { PlayerError } from '../players/player-adapter';
import { joinMesh } from './mesh-swarm';
import { playsWithoutSound } from './sound-check';
import { SwarmHost, type SwarmHostEvents } from './swarm-host';

/** The host's side of a shared file, as its playback uses it. */
export interface HostShare {
  readonly source: FileSource;
  readonly swarm: SwarmHost;
  /** Whether the host's own `video` plays the file without the sound its container declares. */
  playsWithoutSound(video: HTMLVideoElement): Promise<boolean>;
  /** Stops serving the file; guests' copies go when their pages leave it. */
  close(): void;
}

/** Container types by extension, where the browser leaves `File.type` empty (MKV, often). */
const TYPES: Record<string, string> = {
  mkv: 'video/x-matroska',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ogv: 'video/ogg',
};

function fileType(file: File): string {
  if (file.type) return file.type.slice(0, 128);
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return TYPES[extension] ?? 'application/octet-stream';
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/**
 * Shares `file` itself with every guest over the mesh: announces nothing until the host's own
 * player has played it (the caller's job), then serves chunks on `lc-file` to every member whose
 * link is up, and to each that joins later.
 */
export function startHostShare(
  mesh: MeshController,
  file: File,
  duration: number | null,
  events: SwarmHostEvents,
): HostShare {
  if (!crypto.subtle) {
    throw new PlayerError(
      'unsupported',
      'This page is not served over HTTPS, so it cannot share the file itself: choose Live stream.',
    );
  }
  if (file.size === 0 || Math.ceil(file.size / CHUNK_BYTES) > CHUNKS_MAX) {
    throw new PlayerError('unsupported', `${file.name} is too large to share: choose Live stream.`);
  }
  const source: FileSource = {
    kind: 'file',
    id: randomHex(16),
    name: file.name.slice(0, 255),
    size: file.size,
    type: fileType(file),
    duration,
    chunkSize: CHUNK_BYTES,
  };
  const swarm = new SwarmHost(source, file, events);
  const unsubscribe = joinMesh(mesh, swarm);
  return {
    source,
    swarm,
    playsWithoutSound: (video) =>
      playsWithoutSound(
        video,
        async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
        file.size,
      ),
    close: () => {
      unsubscribe();
      swarm.close();
    },
  };
}
