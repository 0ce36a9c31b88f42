/**
 * What makes watching comfortable (issue 14): typing marks, reactions, player controls,
 * subtitles and "Connection details". The room fetches this chunk on demand, so the room's own
 * code stays within its size budget; until it arrives the room works without these parts.
 */
import '../details/lc-details';
import './lc-subtitles';
import './lc-typing';
import './lc-watch';
