/**
 * Who re-initiates a dropped connection. Both sides compute the same answer from the two peer
 * IDs, so exactly one of them makes the new offer and the two offers never cross (glare).
 */
export function reinitiates(selfPeerId: string, otherPeerId: string): boolean {
  return selfPeerId < otherPeerId;
}

/** Backoff before retry `attempt` (1-based): 0.5 s, 1 s, 2 s … capped at 8 s. */
export function retryDelay(attempt: number): number {
  return Math.min(8000, 500 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The session id of an SDP's `o=` line. It stays the same across renegotiations of one
 * RTCPeerConnection (RFC 3264 §5) and differs for a fresh one, so an offer with a new session
 * id means the other side started over and our old connection must go.
 */
export function sdpSessionId(sdp: string): string | null {
  const match = /^o=\S+ (\d+) /m.exec(sdp);
  return match?.[1] ?? null;
}
