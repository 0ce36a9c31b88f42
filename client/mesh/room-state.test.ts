import { describe, expect, it } from 'vitest';
import type { JoinSuccess, PeerInfo } from '../../shared/socket';
import { linkBlocked, type Member } from './member';
import {
  EMPTY_ROOM,
  hostAway,
  hostAwayUntil,
  isHost,
  joined,
  linkChanged,
  peerJoined,
  peerLeft,
  type RoomState,
  rejoined,
  selfRole,
} from './room-state';

const peer = (peerId: string, role: PeerInfo['role'] = 'guest'): PeerInfo => ({
  peerId,
  userId: `u-${peerId}`,
  name: `name-${peerId}`,
  role,
});
const ack = (self: string, hostPeerId: string | null, peers: PeerInfo[]): JoinSuccess => ({
  ok: true,
  self: { peerId: self, userId: `u-${self}`, name: `name-${self}` },
  hostPeerId,
  peers,
});
const live =
  (...ids: string[]) =>
  (peerId: string) =>
    ids.includes(peerId);
const link = (state: RoomState, peerId: string): Member['link'] | undefined =>
  state.members.find((m) => m.peerId === peerId)?.link;

/** A guest 'me' in a room with host 'h' and guest 'a', both links connected. */
function inRoom(): RoomState {
  let state = joined(EMPTY_ROOM, ack('me', 'h', [peer('h', 'host'), peer('a')])).state;
  for (const id of ['h', 'a']) {
    state = linkChanged(
      state,
      id,
      { state: 'connected', timedOut: false, noRelay: false, outdated: null },
      false,
    );
  }
  return state;
}

describe('joined', () => {
  it('lists us first, offers to everyone listed and closes whatever links there were', () => {
    const step = joined(EMPTY_ROOM, ack('me', 'h', [peer('h', 'host'), peer('a')]));
    expect(step.state.members.map((m) => [m.peerId, m.link])).toEqual([
      ['me', 'self'],
      ['h', 'connecting'],
      ['a', 'connecting'],
    ]);
    expect(step.close).toBe('all');
    expect(step.open).toEqual([
      { peer: peer('h', 'host'), initiator: true },
      { peer: peer('a'), initiator: true },
    ]);
    expect(step.events).toEqual([{ type: 'hostChanged', hostPeerId: 'h', previous: null }]);
    expect(step.state.hostSeen).toBe(true);
    expect(selfRole(step.state)).toBe('guest');
  });

  it('makes us the host when the server names our peerId', () => {
    const step = joined(EMPTY_ROOM, ack('me', 'me', []));
    expect(isHost(step.state)).toBe(true);
    expect(step.state.members[0]?.role).toBe('host');
  });

  it('waits for a host that has not come yet, without calling it away', () => {
    const step = joined(EMPTY_ROOM, ack('me', null, [peer('a')]));
    expect(step.events).toEqual([]);
    expect(step.state.hostSeen).toBe(false);
  });
});

describe('rejoined', () => {
  it('keeps connected links, offers where one broke and lets the unlisted without a link go', () => {
    let state = inRoom();
    state = linkChanged(
      state,
      'a',
      { state: 'retrying', timedOut: false, noRelay: false, outdated: null },
      false,
    );
    state = peerJoined(state, peer('b'), live()).state;
    const step = rejoined(state, ack('me', 'h', [peer('h', 'host'), peer('a')]), live('h'));
    expect(step.close).toEqual(['a', 'b']);
    expect(step.open).toEqual([{ peer: peer('a'), initiator: true }]);
    expect(step.events).toEqual([
      { type: 'memberLeft', member: expect.objectContaining({ peerId: 'b' }) },
    ]);
    expect(link(step.state, 'h')).toBe('connected');
    expect(link(step.state, 'a')).toBe('connecting');
    expect(step.state.unconfirmed.size).toBe(0);
  });

  it('keeps an unlisted host with a live link as host, unconfirmed until the server lists them', () => {
    const step = rejoined(inRoom(), ack('me', null, [peer('a')]), live('h', 'a'));
    expect(step.state.hostPeerId).toBe('h');
    expect([...step.state.unconfirmed]).toEqual(['h']);
    expect(step.events).toEqual([]);
    const back = peerJoined(step.state, peer('h', 'host'), live('h', 'a'));
    expect(back.state.unconfirmed.size).toBe(0);
    expect(back.close).toEqual([]);
    expect(back.open).toEqual([]);
    expect(back.events).toEqual([]);
  });
});

describe('peerJoined', () => {
  it('waits for a newcomer’s offer and keeps the signals they may have sent already', () => {
    const step = peerJoined(inRoom(), peer('b'), live('h', 'a'));
    expect(step.close).toEqual([]);
    expect(step.open).toEqual([{ peer: peer('b'), initiator: false }]);
    expect(step.events).toEqual([
      { type: 'memberJoined', member: { ...peer('b'), link: 'connecting' } },
    ]);
  });

  it('rebuilds the link to someone back under the same peerId whose link broke', () => {
    const step = peerJoined(inRoom(), peer('a'), live('h'));
    expect(step.close).toEqual(['a']);
    expect(step.open).toEqual([{ peer: peer('a'), initiator: false }]);
    expect(step.events).toEqual([]);
  });

  it('takes a host arriving as the host', () => {
    const start = joined(EMPTY_ROOM, ack('me', null, [peer('a')])).state;
    const step = peerJoined(start, peer('h', 'host'), live());
    expect(step.state.hostPeerId).toBe('h');
    expect(step.state.hostSeen).toBe(true);
    expect(step.events.map((e) => e.type)).toEqual(['hostChanged', 'memberJoined']);
  });
});

describe('peerLeft', () => {
  it('drops the member and their link, and the host with them', () => {
    const step = peerLeft(inRoom(), 'h');
    expect(step.state.members.map((m) => m.peerId)).toEqual(['me', 'a']);
    expect(step.close).toEqual(['h']);
    expect(step.state.hostPeerId).toBeNull();
    expect(step.events).toEqual([
      { type: 'memberLeft', member: expect.objectContaining({ peerId: 'h' }) },
      { type: 'hostChanged', hostPeerId: null, previous: 'h' },
    ]);
  });

  it('drops signals held for someone never listed, and says nothing', () => {
    const step = peerLeft(inRoom(), 'stranger');
    expect(step.close).toEqual(['stranger']);
    expect(step.events).toEqual([]);
  });
});

describe('linkChanged', () => {
  const timedOut = { state: 'failed', timedOut: true, noRelay: false, outdated: null } as const;

  it('says the relay is out of reach after a relay-only timeout, through retries, until connected', () => {
    let state = linkChanged(inRoom(), 'a', timedOut, true);
    expect(state.members[2]?.relayUnreachable).toBe(true);
    state = linkChanged(
      state,
      'a',
      { state: 'retrying', timedOut: false, noRelay: false, outdated: null },
      true,
    );
    expect(state.members[2]?.relayUnreachable).toBe(true);
    state = linkChanged(
      state,
      'a',
      { state: 'connected', timedOut: false, noRelay: false, outdated: null },
      true,
    );
    expect(state.members[2]?.relayUnreachable).toBe(false);
  });

  it('says the relay is out of reach as soon as an attempt gathers no relay candidate', () => {
    const gathered = {
      state: 'connecting',
      timedOut: false,
      noRelay: true,
      outdated: null,
    } as const;
    let state = linkChanged(inRoom(), 'a', gathered, true);
    expect(state.members[2]).toMatchObject({ link: 'connecting', relayUnreachable: true });
    state = linkChanged(state, 'a', { ...gathered, noRelay: false }, true);
    expect(state.members[2]?.relayUnreachable).toBe(true);
  });

  it('blames no relay when relay-only is off', () => {
    expect(linkChanged(inRoom(), 'a', timedOut, false).members[2]?.relayUnreachable).toBe(false);
  });

  it('calls a link blocked after two attempts in a row time out, through retries, until it connects', () => {
    const retrying = {
      state: 'retrying',
      timedOut: false,
      noRelay: false,
      outdated: null,
    } as const;
    const member = (state: RoomState) => state.members[2] as Member;
    let state = linkChanged(inRoom(), 'a', timedOut, false);
    state = linkChanged(state, 'a', retrying, false);
    // One timeout may be a page that reloaded mid-attempt.
    expect(linkBlocked(member(state))).toBe(false);
    state = linkChanged(state, 'a', timedOut, false);
    state = linkChanged(state, 'a', retrying, false);
    expect(linkBlocked(member(state))).toBe(true);
    state = linkChanged(
      state,
      'a',
      { state: 'connected', timedOut: false, noRelay: false, outdated: null },
      false,
    );
    expect(member(state)).toMatchObject({ link: 'connected', timeouts: 0 });
    expect(linkBlocked(member(state))).toBe(false);
  });

  it('names the relay, not the network, when relay only times out', () => {
    let state = linkChanged(inRoom(), 'a', timedOut, true);
    state = linkChanged(state, 'a', timedOut, true);
    expect(state.members[2]?.relayUnreachable).toBe(true);
    expect(linkBlocked(state.members[2] as Member)).toBe(false);
  });

  it('carries whose page is out of date', () => {
    const state = linkChanged(
      inRoom(),
      'a',
      { state: 'failed', timedOut: false, noRelay: false, outdated: 'peer' },
      false,
    );
    expect(state.members[2]).toMatchObject({ link: 'failed', outdated: 'peer' });
  });
});

describe('hostAway', () => {
  it('tells when the room closes only while the host is away', () => {
    const away = hostAway(peerLeft(inRoom(), 'h').state, 123);
    expect(hostAwayUntil(away)).toBe(123);
    expect(hostAwayUntil(peerJoined(away, peer('h', 'host'), live()).state)).toBeNull();
  });
});
