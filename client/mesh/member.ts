import type { PeerInfo } from '../../shared/socket';
import type { LinkState } from './peer-link';
import type { Outdated } from './protocol-version';

/** Someone in the room as this browser sees them, ourselves included. */
export interface Member extends PeerInfo {
  /** Our connection to them; 'self' for ourselves. */
  link: LinkState | 'self';
  /** Relay only, and the last attempt timed out: most likely the relay is out of reach. */
  relayUnreachable?: boolean;
  /** We speak different protocol versions: whose page must be reloaded before we can connect. */
  outdated?: Outdated;
  /** Attempts in a row that ran out of time without a connection; 0 once one forms. */
  timeouts?: number;
}

/**
 * Attempts in a row that time out before we say a link is blocked rather than slow: one can be
 * a page that reloaded mid-attempt, two (half a minute of trying) is a network in the way.
 */
const BLOCKED_AFTER_TIMEOUTS = 2;

/** No connection forms with them though both sides keep trying: something between us blocks it. */
export function linkBlocked(m: Member): boolean {
  return (
    m.link !== 'connected' &&
    !m.relayUnreachable &&
    !m.outdated &&
    (m.timeouts ?? 0) >= BLOCKED_AFTER_TIMEOUTS
  );
}
