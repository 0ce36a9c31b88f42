import type { ParseResult } from '../../../shared/subtitles/parse';
import { plainText } from '../../../shared/subtitles/parse';
import { CueCollector } from './cue-collector';
import { ReadError, type SlicedReader } from './sliced-reader';

/** A text track of an MP4 or MOV file (3GPP timed text, `tx3g`, as ffmpeg's mov_text writes). */
export interface Mp4TextTrack {
  /** The track's ID (tkhd). */
  number: number;
  /** ISO 639-2 language from its media header, '' when undetermined. */
  language: string;
  /** The sample table and time scale, to find each sample in the file. */
  table: SampleTable;
}

interface SampleTable {
  timescale: number;
  /** Sample sizes (stsz). */
  sizes: number[];
  /** Chunk offsets (stco or co64). */
  chunks: number[];
  /** Runs of chunks with their samples per chunk (stsc): [first chunk (1-based), samples]. */
  perChunk: Array<[number, number]>;
  /** Runs of samples with their duration (stts): [count, delta]. */
  durations: Array<[number, number]>;
}

/** The movie header (moov) is read whole up to this size; a film's is a few megabytes. */
const MOOV_MAX = 32 * 1024 * 1024;
/** Top-level boxes walked looking for moov. */
const TOP_BOXES_MAX = 1000;
/** Samples a text track may have: each cue and each gap between cues is one. */
const SAMPLES_MAX = 20_000;
/** A text sample past this size is not a subtitle; it is skipped unread. */
const SAMPLE_MAX = 64 * 1024;
/** What a file must start with to be read as MP4 or QuickTime. */
const FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']);

interface Box {
  type: string;
  data: Uint8Array;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The boxes inside `bytes`, in order; stops at the first one that does not fit. */
function boxesIn(bytes: Uint8Array): Box[] {
  const boxes: Box[] = [];
  const v = view(bytes);
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = v.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > bytes.length) break;
      size = Number(v.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = bytes.length - at;
    if (size < header || at + size > bytes.length) break;
    boxes.push({
      type: latin1.decode(bytes.subarray(at + 4, at + 8)),
      data: bytes.subarray(at + header, at + size),
    });
    at += size;
  }
  return boxes;
}

const child = (box: Box | undefined, type: string): Box | undefined =>
  box ? boxesIn(box.data).find((b) => b.type === type) : undefined;
const path = (box: Box | undefined, ...types: string[]): Box | undefined =>
  types.reduce<Box | undefined>((b, type) => child(b, type), box);

/**
 * The text tracks of an MP4 or MOV file: the top-level boxes are walked by their headers alone
 * (the media data, mdat, is never read) to the movie header, read whole. Null when the file is
 * not MP4 or QuickTime, or its movie header is missing or too large.
 */
export async function readMp4TextTracks(reader: SlicedReader): Promise<Mp4TextTrack[] | null> {
  try {
    let at = 0;
    for (let n = 0; n < TOP_BOXES_MAX && at + 8 <= reader.size; n += 1) {
      const head = await reader.exact(at, 16);
      if (head.length < 8) return null;
      const v = view(head);
      const type = latin1.decode(head.subarray(4, 8));
      if (n === 0 && !FIRST_BOXES.has(type)) return null;
      let size = v.getUint32(0);
      let header = 8;
      if (size === 1 && head.length === 16) {
        size = Number(v.getBigUint64(8));
        header = 16;
      } else if (size === 0) size = reader.size - at;
      if (size < header || !Number.isSafeInteger(size)) return null;
      if (type === 'moov') {
        if (size > MOOV_MAX || at + size > reader.size) return null;
        return tracksIn({ type, data: await reader.exact(at + header, size - header) });
      }
      at += size;
    }
    return null;
  } catch (error) {
    if (error instanceof ReadError && error.message === 'aborted') throw error;
    return null;
  }
}

function tracksIn(moov: Box): Mp4TextTrack[] {
  const tracks: Mp4TextTrack[] = [];
  for (const trak of boxesIn(moov.data)) {
    if (trak.type !== 'trak') continue;
    try {
      const track = textTrack(trak);
      if (track) tracks.push(track);
    } catch {
      // A track whose boxes are cut short is not offered.
    }
  }
  return tracks;
}

/** A trak's text track, if it is one (handler sbtl or text, sample entry tx3g or text). */
function textTrack(trak: Box): Mp4TextTrack | null {
  const mdia = child(trak, 'mdia');
  const hdlr = child(mdia, 'hdlr')?.data;
  const handler = hdlr ? latin1.decode(hdlr.subarray(8, 12)) : '';
  if (handler !== 'sbtl' && handler !== 'text') return null;
  const stbl = path(mdia, 'minf', 'stbl');
  const stsd = child(stbl, 'stsd')?.data;
  const entry = stsd ? boxesIn(stsd.subarray(8))[0]?.type : undefined;
  if (entry !== 'tx3g' && entry !== 'text') return null;
  const tkhd = child(trak, 'tkhd')?.data;
  const mdhd = child(mdia, 'mdhd')?.data;
  if (!tkhd || !mdhd) return null;
  const number = view(tkhd).getUint32(tkhd[0] === 1 ? 20 : 12);
  const v1 = mdhd[0] === 1;
  const timescale = view(mdhd).getUint32(v1 ? 20 : 12);
  const packed = view(mdhd).getUint16(v1 ? 32 : 20);
  const language = String.fromCharCode(
    ((packed >> 10) & 31) + 0x60,
    ((packed >> 5) & 31) + 0x60,
    (packed & 31) + 0x60,
  );
  const table = sampleTable(stbl, timescale);
  if (!number || !table) return null;
  return {
    number,
    language: /^[a-z]{3}$/.test(language) && language !== 'und' ? language : '',
    table,
  };
}

/** Reads a full box's entries: version and flags, a count, then `count` entries of `fields` u32s. */
function entries(box: Box | undefined, fields: number, wide = false): number[][] | null {
  if (!box || box.data.length < 8) return null;
  const v = view(box.data);
  const count = v.getUint32(4);
  const width = wide ? 8 : 4;
  if (count > SAMPLES_MAX || 8 + count * fields * width > box.data.length) return null;
  const rows: number[][] = [];
  for (let i = 0; i < count; i += 1) {
    const row: number[] = [];
    for (let f = 0; f < fields; f += 1) {
      const at = 8 + (i * fields + f) * width;
      row.push(wide ? Number(v.getBigUint64(at)) : v.getUint32(at));
    }
    rows.push(row);
  }
  return rows;
}

function sampleTable(stbl: Box | undefined, timescale: number): SampleTable | null {
  const stsz = child(stbl, 'stsz')?.data;
  if (!stsz || stsz.length < 12 || !timescale) return null;
  const fixed = view(stsz).getUint32(4);
  const count = view(stsz).getUint32(8);
  if (count > SAMPLES_MAX || (fixed === 0 && 12 + count * 4 > stsz.length)) return null;
  const sizes = Array.from({ length: count }, (_, i) => fixed || view(stsz).getUint32(12 + i * 4));
  const co64 = child(stbl, 'co64');
  const chunks = co64 ? entries(co64, 1, true) : entries(child(stbl, 'stco'), 1);
  const perChunk = entries(child(stbl, 'stsc'), 3);
  const durations = entries(child(stbl, 'stts'), 2);
  if (!chunks || !perChunk || !durations) return null;
  return {
    timescale,
    sizes,
    chunks: chunks.map(([offset]) => offset ?? 0),
    perChunk: perChunk.map(([first, samples]) => [first ?? 0, samples ?? 0]),
    durations: durations.map(([n, delta]) => [n ?? 0, delta ?? 0]),
  };
}

/**
 * Every cue of `track`: each sample's place comes from the sample table and is read on its own
 * (a text track's samples lie scattered among the picture's), a 16-bit length and the text.
 */
export async function readMp4TrackCues(
  reader: SlicedReader,
  track: Mp4TextTrack,
  progress: (fraction: number) => void = () => {},
): Promise<ParseResult> {
  const { table } = track;
  const places = samplePlaces(table);
  const cues = new CueCollector();
  let sample = 0;
  let time = 0;
  try {
    for (const [count, delta] of table.durations) {
      for (let i = 0; i < count && sample < places.length && !cues.refused; i += 1, sample += 1) {
        const place = places[sample];
        const start = time / table.timescale;
        time += delta;
        if (!place || place.size < 2 || place.size > SAMPLE_MAX) continue;
        const bytes = await reader.exact(place.offset, place.size);
        const length = bytes.length >= 2 ? view(bytes).getUint16(0) : 0;
        const text = plainText(utf8.decode(bytes.subarray(2, 2 + length)).split(/\r\n|\r|\n/));
        cues.add(start, time / table.timescale, text);
        if (sample % 100 === 0) progress(sample / places.length);
      }
    }
  } catch (error) {
    if (error instanceof ReadError && error.message === 'aborted') throw error;
    // A damaged file: the cues read before the damage stand.
  }
  return cues.result();
}

/** Where each sample is: chunk by chunk, each chunk's samples one after another. */
function samplePlaces(table: SampleTable): Array<{ offset: number; size: number }> {
  const places: Array<{ offset: number; size: number }> = [];
  // stsc runs come in chunk order: one pointer walks them beside the chunks.
  let run = 0;
  let perChunk = 0;
  for (
    let chunk = 1;
    chunk <= table.chunks.length && places.length < table.sizes.length;
    chunk += 1
  ) {
    while ((table.perChunk[run]?.[0] ?? Number.POSITIVE_INFINITY) <= chunk) {
      perChunk = table.perChunk[run]?.[1] ?? 0;
      run += 1;
    }
    let offset = table.chunks[chunk - 1] ?? 0;
    for (let s = 0; s < perChunk && places.length < table.sizes.length; s += 1) {
      const size = table.sizes[places.length] ?? 0;
      places.push({ offset, size });
      offset += size;
    }
  }
  return places;
}
