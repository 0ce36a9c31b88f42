import { PEER_MESSAGE_MAX_BYTES } from '../peer-messages';
import type { Cue } from './cue';
import { SUBTITLE_PAGES_MAX } from './limits';
import type { SubtitlesPage } from './messages';

const encoder = new TextEncoder();
const bytes = (value: unknown) => encoder.encode(JSON.stringify(value)).length;

/**
 * Cuts `cues` into pages that each fit PEER_MESSAGE_MAX_BYTES, in order. One cue always fits:
 * CUE_TEXT_MAX UTF-16 units make at most 6,000 bytes of JSON even when every one is escaped.
 */
export function subtitlePages(id: string, cues: readonly Cue[]): SubtitlesPage[] {
  // The largest page and count numbers, so the real ones never make a page longer.
  const empty = bytes({
    type: 'subtitles',
    id,
    page: SUBTITLE_PAGES_MAX,
    pages: SUBTITLE_PAGES_MAX,
    cues: [],
  });
  const groups: Cue[][] = [];
  let group: Cue[] = [];
  let size = empty;
  for (const cue of cues) {
    const cueBytes = bytes(cue);
    if (group.length > 0 && size + cueBytes + 1 > PEER_MESSAGE_MAX_BYTES) {
      groups.push(group);
      group = [];
      size = empty;
    }
    // Every cue after the first in a page costs a comma too.
    size += cueBytes + (group.length > 0 ? 1 : 0);
    group.push(cue);
  }
  if (group.length > 0) groups.push(group);
  return groups.map((page, index) => ({
    type: 'subtitles',
    id,
    page: index,
    pages: groups.length,
    cues: page,
  }));
}
