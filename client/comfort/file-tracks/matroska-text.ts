import { CUE_TEXT_MAX } from '../../../shared/subtitles/limits';
import type { ParseResult } from '../../../shared/subtitles/parse';
import { plainText } from '../../../shared/subtitles/parse';
import { CueCollector } from './cue-collector';
import type { EbmlReader } from './ebml';
import { readString, readUint, readVint } from './ebml';
import { ReadError } from './sliced-reader';

/** Element IDs, as the Matroska specification writes them. */
const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  CodecID: 0x86,
  Name: 0x536e,
  Language: 0x22b59c,
  LanguageBCP47: 0x22b59d,
  ContentEncodings: 0x6d80,
  ContentEncoding: 0x6240,
  ContentCompression: 0x5034,
  ContentCompAlgo: 0x4254,
  ContentCompSettings: 0x4255,
  ContentEncryption: 0x5035,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  BlockDuration: 0x9b,
  Cues: 0x1c53bb6b,
  Chapters: 0x1043a770,
  Tags: 0x1254c367,
  Attachments: 0x1941a469,
} as const;

/** Top-level elements: inside a cluster of unknown size, one of these ends the cluster. */
const TOP_LEVEL = new Set<number>([
  ID.SeekHead,
  ID.Info,
  ID.Tracks,
  ID.Cluster,
  ID.Cues,
  ID.Chapters,
  ID.Tags,
  ID.Attachments,
]);

/** The text codecs read here, by Matroska CodecID; picture subtitles (VobSub, PGS) are not text. */
const TEXT_CODECS: Record<string, TextCodec> = {
  'S_TEXT/UTF8': 'srt',
  'S_TEXT/WEBVTT': 'webvtt',
  'D_WEBVTT/SUBTITLES': 'webvtt',
  'D_WEBVTT/CAPTIONS': 'webvtt',
  'S_TEXT/ASS': 'ass',
  'S_TEXT/SSA': 'ass',
  S_ASS: 'ass',
  S_SSA: 'ass',
};
export type TextCodec = 'srt' | 'webvtt' | 'ass';

/** A text track found in the file, as the host is offered it. */
export interface FileTextTrack {
  number: number;
  codec: TextCodec;
  /** The track's name in the file, '' when it has none. */
  name: string;
  /** Its language (BCP 47 or ISO 639-2), '' when unknown. */
  language: string;
  /** How its blocks are stored; an encrypted track is never offered. */
  compression: { kind: 'none' } | { kind: 'zlib' } | { kind: 'strip'; prefix: Uint8Array };
}

/** What the header says: the text tracks, the time unit and where the clusters start. */
export interface MatroskaLayout {
  tracks: FileTextTrack[];
  /** Nanoseconds per timestamp tick. */
  timestampScale: number;
  clustersFrom: number;
  segmentEnd: number;
}

/** Elements read whole are at most this large (a header's Tracks with codec data included). */
const HEADER_ELEMENT_MAX = 1024 * 1024;
/** A text block past this many bytes is not a subtitle; it is skipped unread. */
const TEXT_BLOCK_MAX = 64 * 1024;
/** Top-level elements walked before the first cluster; real files have a handful. */
const HEADER_ELEMENTS_MAX = 1000;

/**
 * The text tracks of a Matroska or WebM file, read from its header (Info and Tracks before the
 * first cluster, where every muxer puts them). Null when the file is not Matroska or WebM.
 */
export async function readMatroskaLayout(reader: EbmlReader): Promise<MatroskaLayout | null> {
  try {
    const ebml = await reader.header(0);
    if (ebml?.id !== ID.EBML) return null;
    const ebmlData = await reader.data(ebml, 4096);
    const docType = ebmlData && childrenOf(ebmlData).find((c) => c.id === ID.DocType);
    if (!docType || !['matroska', 'webm'].includes(readString(docType.data))) return null;
    const segment = await reader.header(ebml.start + (ebml.size ?? 0));
    if (segment?.id !== ID.Segment) return null;
    const segmentEnd =
      segment.size === null ? reader.size : Math.min(segment.start + segment.size, reader.size);
    const layout: MatroskaLayout = {
      tracks: [],
      timestampScale: 1_000_000,
      clustersFrom: segmentEnd,
      segmentEnd,
    };
    let at = segment.start;
    for (let n = 0; n < HEADER_ELEMENTS_MAX && at < segmentEnd; n += 1) {
      const element = await reader.header(at);
      if (!element) break;
      if (element.id === ID.Cluster) {
        layout.clustersFrom = at;
        break;
      }
      if (element.size === null) break;
      if (element.id === ID.Info) {
        const info = await reader.data(element, HEADER_ELEMENT_MAX);
        const scale = info && childrenOf(info).find((c) => c.id === ID.TimestampScale);
        const value = scale ? readUint(scale.data) : null;
        if (value) layout.timestampScale = value;
      } else if (element.id === ID.Tracks) {
        const tracks = await reader.data(element, HEADER_ELEMENT_MAX);
        if (tracks) layout.tracks = textTracksIn(tracks);
      }
      at = element.start + element.size;
    }
    return layout;
  } catch (error) {
    if (error instanceof ReadError && error.message === 'aborted') throw error;
    return null;
  }
}

/**
 * Every cue of `track`: the clusters are walked in order, each block's header read and only the
 * track's own blocks read whole. Never more than the limits a subtitles file has; a damaged
 * part of the file ends the walk with what was read before it.
 */
export async function readTrackCues(
  reader: EbmlReader,
  layout: MatroskaLayout,
  track: FileTextTrack,
  progress: (fraction: number) => void = () => {},
): Promise<ParseResult> {
  const cues = new CueCollector();
  const seconds = (ticks: number) => (ticks * layout.timestampScale) / 1e9;

  /** One block's data: the track's own is decoded into a cue, any other is left unread. */
  const block = async (
    start: number,
    size: number,
    clusterTime: number,
    duration: number | null,
  ) => {
    const head = await reader.bytes(start, Math.min(size, 12));
    const number = readVint(head, 0, 8, false);
    if (!number || number.value !== track.number || head.length < number.length + 3) return;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const relative = view.getInt16(number.length);
    const flags = head[number.length + 2] ?? 0;
    const headerLength = number.length + 3;
    // Laced blocks hold several frames; no muxer laces text.
    if (flags & 0x06 || size - headerLength > TEXT_BLOCK_MAX) return;
    const payload = (await reader.bytes(start + headerLength, size - headerLength)).slice();
    const cueText = decodeCue(await unpack(payload, track), track.codec);
    const from = seconds(clusterTime + relative);
    cues.add(from, duration === null ? null : from + seconds(duration), cueText);
  };

  /** Walks a cluster's children; returns where the next top-level element starts. */
  const cluster = async (at: number, size: number | null): Promise<number> => {
    const end = size === null ? layout.segmentEnd : Math.min(at + size, layout.segmentEnd);
    let clusterTime = 0;
    let child = at;
    while (child < end && !cues.refused) {
      const element = await reader.header(child);
      if (!element) return end;
      // A cluster of unknown size ends where the next top-level element begins.
      if (size === null && TOP_LEVEL.has(element.id)) return child;
      if (element.size === null || element.start + element.size > end) return end;
      if (element.id === ID.Timestamp) {
        clusterTime = readUint(await reader.bytes(element.start, Math.min(element.size, 8))) ?? 0;
      } else if (element.id === ID.SimpleBlock) {
        await block(element.start, element.size, clusterTime, null);
      } else if (element.id === ID.BlockGroup) {
        await group(element.start, element.start + element.size, clusterTime);
      }
      child = element.start + element.size;
    }
    return end;
  };

  /** A BlockGroup: its Block, with the BlockDuration beside it when there is one. */
  const group = async (from: number, end: number, clusterTime: number) => {
    let found: { start: number; size: number } | null = null;
    let duration: number | null = null;
    let child = from;
    while (child < end) {
      const element = await reader.header(child);
      if (!element || element.size === null || element.start + element.size > end) break;
      if (element.id === ID.Block) found = { start: element.start, size: element.size };
      else if (element.id === ID.BlockDuration) {
        duration = readUint(await reader.bytes(element.start, Math.min(element.size, 8)));
      }
      child = element.start + element.size;
    }
    if (found) await block(found.start, found.size, clusterTime, duration);
  };

  try {
    let at = layout.clustersFrom;
    while (at < layout.segmentEnd && !cues.refused) {
      const element = await reader.header(at);
      if (!element) break;
      if (element.id === ID.Cluster) {
        at = await cluster(element.start, element.size);
        progress(at / reader.size);
        continue;
      }
      if (element.size === null) break;
      at = element.start + element.size;
    }
  } catch (error) {
    if (error instanceof ReadError && error.message === 'aborted') throw error;
    // A damaged file: the cues read before the damage stand.
  }
  return cues.result();
}

/** A text track's block as stored: zlib-compressed, or with its common first bytes stripped. */
async function unpack(payload: Uint8Array, track: FileTextTrack): Promise<Uint8Array> {
  const { compression } = track;
  if (compression.kind === 'strip') {
    const whole = new Uint8Array(compression.prefix.length + payload.length);
    whole.set(compression.prefix);
    whole.set(payload, compression.prefix.length);
    return whole;
  }
  if (compression.kind === 'zlib') return inflateBounded(payload, CUE_TEXT_MAX * 8);
  return payload;
}

/** zlib data inflated up to `max` bytes: a block that inflates further (a bomb) is cut there. */
async function inflateBounded(payload: Uint8Array, max: number): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(payload)])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < max) {
      const { value, done } = await reader.read();
      if (done || !value) break;
      parts.push(value);
      length += value.length;
    }
  } catch {
    // Not zlib after all: what inflated before the error stands.
  } finally {
    void reader.cancel().catch(() => {});
  }
  const whole = new Uint8Array(Math.min(length, max));
  let at = 0;
  for (const part of parts) {
    whole.set(part.subarray(0, whole.length - at), at);
    at += Math.min(part.length, whole.length - at);
  }
  return whole;
}

const utf8 = new TextDecoder('utf-8');

/** A block's text as a cue's plain text (tags, ASS overrides and fields gone). */
export function decodeCue(payload: Uint8Array, codec: TextCodec): string {
  let text = utf8.decode(payload);
  if (codec === 'ass') {
    // ReadOrder, Layer, Style, Name, MarginL, MarginR, MarginV, Effect, then the text.
    let at = 0;
    for (let commas = 0; commas < 8 && at !== -1; commas += 1) {
      at = text.indexOf(',', at);
      if (at !== -1) at += 1;
    }
    if (at === -1) return '';
    text = text.slice(at).replace(/\\N/gi, '\n').replace(/\\h/g, '\u00a0');
  }
  return plainText(text.split(/\r\n|\r|\n/));
}

interface Child {
  id: number;
  data: Uint8Array;
}

/** The children of a master element held in memory; stops at the first malformed one. */
function childrenOf(bytes: Uint8Array): Child[] {
  const children: Child[] = [];
  let at = 0;
  while (at < bytes.length) {
    const id = readVint(bytes, at, 4, true);
    const size = id && readVint(bytes, at + id.length, 8, false);
    if (!id || !size || size.unknown) break;
    const start = at + id.length + size.length;
    if (start + size.value > bytes.length) break;
    children.push({ id: id.value, data: bytes.subarray(start, start + size.value) });
    at = start + size.value;
  }
  return children;
}

/** The text tracks among a Tracks element's entries. */
function textTracksIn(tracks: Uint8Array): FileTextTrack[] {
  const found: FileTextTrack[] = [];
  for (const entry of childrenOf(tracks)) {
    if (entry.id !== ID.TrackEntry) continue;
    const fields = childrenOf(entry.data);
    const field = (id: number) => fields.find((f) => f.id === id)?.data;
    const number = readUint(field(ID.TrackNumber) ?? new Uint8Array(0));
    const codec = TEXT_CODECS[readString(field(ID.CodecID) ?? new Uint8Array(0))];
    const compression = compressionOf(field(ID.ContentEncodings));
    if (!number || !codec || !compression) continue;
    const language = readString(field(ID.LanguageBCP47) ?? field(ID.Language) ?? new Uint8Array(0));
    found.push({
      number,
      codec,
      name: readString(field(ID.Name) ?? new Uint8Array(0)).slice(0, 100),
      language: language === 'und' ? '' : language.slice(0, 35),
      compression,
    });
  }
  return found;
}

/** How a track's blocks are stored; null when encrypted or compressed in a way not read here. */
function compressionOf(encodings: Uint8Array | undefined): FileTextTrack['compression'] | null {
  if (!encodings) return { kind: 'none' };
  const list = childrenOf(encodings).filter((e) => e.id === ID.ContentEncoding);
  // Several encodings stacked (or encryption) are not what muxers write for text.
  if (list.length !== 1 || !list[0]) return null;
  const parts = childrenOf(list[0].data);
  if (parts.some((p) => p.id === ID.ContentEncryption)) return null;
  const compression = parts.find((p) => p.id === ID.ContentCompression);
  if (!compression) return { kind: 'none' };
  const settings = childrenOf(compression.data);
  const algo = readUint(
    settings.find((s) => s.id === ID.ContentCompAlgo)?.data ?? new Uint8Array(0),
  );
  if (algo === 0) return { kind: 'zlib' };
  const prefix = settings.find((s) => s.id === ID.ContentCompSettings)?.data;
  if (algo === 3 && prefix) return { kind: 'strip', prefix: prefix.slice() };
  return null;
}
