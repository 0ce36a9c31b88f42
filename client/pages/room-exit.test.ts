import { describe, expect, it } from 'vitest';
import { roomExit } from './room-exit';

describe('roomExit', () => {
  it('forgets a wrong PIN and offers the join form again', () => {
    const end = { reason: 'join-failed', error: { code: 'wrong_pin', message: '' } } as const;
    expect(roomExit(end, false)).toEqual({
      message: 'That PIN is not right for this room.',
      forgetPin: true,
      prefill: true,
    });
  });

  it('says a full room is full and keeps the PIN for another try', () => {
    const end = {
      reason: 'join-failed',
      error: { code: 'room_full', message: 'this room is full: it holds at most 12 people' },
    } as const;
    expect(roomExit(end, false)).toEqual({
      message: 'That room is full. Try again when someone has left.',
      forgetPin: false,
      prefill: true,
    });
  });

  it('sends people to sign in when the session is gone, however it was found out', () => {
    expect(roomExit({ reason: 'signed-out' }, false)).toBe('signed-out');
    const end = { reason: 'join-failed', error: { code: 'unauthorized', message: '' } } as const;
    expect(roomExit(end, false)).toBe('signed-out');
  });

  it('falls back to the server’s own words for other join errors, keeping the PIN', () => {
    const end = { reason: 'join-failed', error: { code: 'internal', message: 'Busy.' } } as const;
    expect(roomExit(end, false)).toEqual({ message: 'Busy.', forgetPin: false, prefill: true });
  });

  it('says why the room closed', () => {
    expect(roomExit({ reason: 'closed', cause: 'host_did_not_return' }, false)).toMatchObject({
      message: 'The room closed because the host did not come back.',
      forgetPin: true,
    });
    expect(roomExit({ reason: 'closed', cause: 'host_never_came' }, false)).toMatchObject({
      message: 'The room closed because its host never came.',
      forgetPin: true,
    });
    expect(roomExit({ reason: 'closed', cause: 'closed_by_host' }, false)).toMatchObject({
      message: 'The host closed the room.',
    });
  });

  it('says the host removed us, and forgets the PIN that no longer lets us in', () => {
    expect(roomExit({ reason: 'closed', cause: 'removed' }, false)).toEqual({
      message: 'The host removed you from the room.',
      forgetPin: true,
      prefill: false,
    });
  });

  it('reads as the host’s own doing while it closes the room, and then forgets the PIN', () => {
    expect(roomExit({ reason: 'left' }, false)).toEqual({
      message: 'You left the room.',
      forgetPin: false,
      prefill: false,
    });
    expect(roomExit({ reason: 'left' }, true)).toEqual({
      message: 'You closed the room.',
      forgetPin: true,
      prefill: false,
    });
    expect(roomExit({ reason: 'closed', cause: 'closed_by_host' }, true)).toMatchObject({
      message: 'You closed the room.',
    });
  });
});
