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
}
