import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../shared/peer-messages';
import { HeldMessages } from './held-messages';
import type { Member } from './member';

/** A mesh stand-in that delivers what the test says, to whoever listens. */
function source() {
  let listener: ((from: Member, message: PeerMessage) => void) | undefined;
  return {
    subscribe(l: { message?(from: Member, message: PeerMessage): void }) {
      listener = l.message;
      return () => {
        listener = undefined;
      };
    },
    deliver(message: PeerMessage) {
      listener?.(
        { peerId: 'p1', userId: 'u1', name: 'ann', role: 'guest', link: 'connected' },
        message,
      );
    },
  };
}

describe('HeldMessages', () => {
  it('holds only the types asked for, at most `max`, dropping the oldest', () => {
    const mesh = source();
    const held = new HeldMessages(mesh, ['reaction', 'typing'], 3);
    mesh.deliver({ type: 'chat', id: 'c1', text: 'hi', sentAt: 1 });
    mesh.deliver({ type: 'typing' });
    for (const emoji of ['😂', '👍', '😮'] as const) mesh.deliver({ type: 'reaction', emoji });
    const out = held.release().map((h) => h.message);
    expect(out).toEqual([
      { type: 'reaction', emoji: '😂' },
      { type: 'reaction', emoji: '👍' },
      { type: 'reaction', emoji: '😮' },
    ]);
  });

  it('stops listening once released', () => {
    const mesh = source();
    const held = new HeldMessages(mesh, ['typing'], 8);
    mesh.deliver({ type: 'typing' });
    expect(held.release()).toHaveLength(1);
    mesh.deliver({ type: 'typing' });
    expect(held.release()).toHaveLength(0);
  });
});
