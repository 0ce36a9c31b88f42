import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Resume credentials: an HMAC over room, user and peerId, so a browser whose socket dropped
 * (a lost network, a server restart) can take its old peerId back and its peers keep their
 * connections to it. The key is derived from the PIN secret, which survives a restart and is
 * shared by every node, so a token outlives the process that issued it.
 */
export class ResumeTokens {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, '', 'liveconnect peer resume', 32));
  }

  #mac(roomId: string, userId: string, peerId: string): Buffer {
    return createHmac('sha256', this.#key).update(`${roomId}\n${userId}\n${peerId}`).digest();
  }

  issue(roomId: string, userId: string, peerId: string): string {
    return this.#mac(roomId, userId, peerId).toString('base64url');
  }

  /** Constant time; a token for another room, user or peerId never matches. */
  verify(roomId: string, userId: string, peerId: string, token: string): boolean {
    const expected = this.#mac(roomId, userId, peerId);
    const actual = Buffer.from(token, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
