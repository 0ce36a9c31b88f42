import { describe, expect, it } from 'vitest';
import type { PeerInfo } from '../../shared/socket';
import type { Member } from './member';
import { planRejoin } from './rejoin-plan';

const peer = (peerId: string, role: PeerInfo['role'] = 'guest'): PeerInfo => ({
  peerId,
  userId: `u-${peerId}`,
  name: `name-${peerId}`,
  role,
});
const member = (
  peerId: string,
  link: Member['link'],
  role: PeerInfo['role'] = 'guest',
): Member => ({
  ...peer(peerId, role),
  link,
});

const self = member('me', 'self');
const live =
  (...ids: string[]) =>
  (peerId: string) =>
    ids.includes(peerId);

describe('planRejoin', () => {
  it('keeps connected links to those listed and offers afresh where the link broke', () => {
    const before = [self, member('a', 'connected'), member('b', 'retrying')];
    const plan = planRejoin(before, [peer('a'), peer('b')], null, null, live('a'));
    expect(plan.fresh).toEqual([peer('b')]);
    expect(plan.members).toEqual([member('a', 'connected'), member('b', 'connecting')]);
    expect(plan.gone).toEqual([]);
    expect(plan.unconfirmed).toEqual([]);
  });

  it('keeps the unlisted with a live link as unconfirmed and lets the others go', () => {
    const before = [self, member('slow', 'connected'), member('left', 'failed')];
    const plan = planRejoin(before, [], null, null, live('slow'));
    expect(plan.members).toEqual([member('slow', 'connected')]);
    expect(plan.unconfirmed).toEqual(['slow']);
    expect(plan.gone).toEqual([member('left', 'failed')]);
    expect(plan.fresh).toEqual([]);
  });

  it('offers to someone new on the list', () => {
    const plan = planRejoin([self], [peer('new')], null, null, live());
    expect(plan.fresh).toEqual([peer('new')]);
    expect(plan.members).toEqual([member('new', 'connecting')]);
  });

  it('keeps a host not back yet while the link to them is alive', () => {
    const before = [self, member('h', 'connected', 'host')];
    expect(planRejoin(before, [], null, 'h', live('h')).hostPeerId).toBe('h');
    expect(planRejoin(before, [], null, 'h', live()).hostPeerId).toBeNull();
  });

  it('takes the host the server names', () => {
    const before = [self, member('h', 'connected', 'host')];
    const plan = planRejoin(before, [peer('h', 'host')], 'h', 'h', live('h'));
    expect(plan.hostPeerId).toBe('h');
    expect(plan.fresh).toEqual([]);
  });
});
