import type { ParseResult } from '../../../shared/subtitles/parse';
import { EbmlReader } from './ebml';
import { type FileTextTrack, readMatroskaLayout, readTrackCues } from './matroska-text';
import { readMp4TextTracks, readMp4TrackCues } from './mp4-text';
import { blobSource } from './sliced-reader';

/** A text track the host may pick: its number in the file and how it is named to the host. */
export interface OfferedTrack {
  number: number;
  label: string;
}

/** The text tracks of a host's video file, and a way to read one of them into cues. */
export interface FileTextTracks {
  tracks: OfferedTrack[];
  read(number: number, progress: (fraction: number) => void): Promise<ParseResult>;
}

/**
 * The text tracks inside `file` (Matroska or WebM, else MP4 or MOV: Chromium shows none of them
 * itself), read from its header; null when it is another kind of file or has none. Loaded on demand, on the
 * host only, when it picks a video file. `signal` stops any read of the file.
 */
export async function fileTextTracks(
  file: Blob,
  signal: AbortSignal,
): Promise<FileTextTracks | null> {
  const reader = new EbmlReader(blobSource(file), signal);
  const layout = await readMatroskaLayout(reader);
  if (layout) {
    if (layout.tracks.length === 0) return null;
    return {
      tracks: layout.tracks.map((track) => ({ number: track.number, label: trackLabel(track) })),
      read: async (number, progress) => {
        const track = layout.tracks.find((t) => t.number === number);
        if (!track) return { ok: false, reason: 'no-cues' };
        return readTrackCues(reader, layout, track, progress);
      },
    };
  }
  const mp4 = await readMp4TextTracks(reader);
  if (!mp4 || mp4.length === 0) return null;
  return {
    tracks: mp4.map((track) => ({
      number: track.number,
      label: trackLabel({ ...track, name: '' }),
    })),
    read: async (number, progress) => {
      const track = mp4.find((t) => t.number === number);
      if (!track) return { ok: false, reason: 'no-cues' };
      return readMp4TrackCues(reader, track, progress);
    },
  };
}

/** "English (eng)", "eng", or "Track 3" when the file names neither. */
export function trackLabel(track: Pick<FileTextTrack, 'number' | 'name' | 'language'>): string {
  if (track.name && track.language) return `${track.name} (${track.language})`;
  return track.name || track.language || `Track ${track.number}`;
}
