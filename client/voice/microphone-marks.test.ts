import { describe, expect, it } from 'vitest';
import { type MarkedTrack, MicrophoneMarks } from './microphone-marks';

/** A track whose mute and end we drive, firing the events a MediaStreamTrack fires. */
class FakeTrack extends EventTarget implements MarkedTrack {
  muted = false;
  readyState: MediaStreamTrackState = 'live';

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
  }

  end(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

function marks() {
  let changes = 0;
  const m = new MicrophoneMarks(() => {
    changes += 1;
  });
  return { m, changes: () => changes };
}

describe('MicrophoneMarks', () => {
  it('gives no mark to someone whose microphone never came on', () => {
    const { m, changes } = marks();
    m.set('bob', null);
    expect(m.marks.size).toBe(0);
    expect(changes()).toBe(0);
  });

  it('marks a live voice on and a voice turned off muted', () => {
    const { m } = marks();
    m.set('bob', new FakeTrack());
    expect(m.marks.get('bob')).toBe('on');
    m.set('bob', null);
    expect(m.marks.get('bob')).toBe('muted');
  });

  it('follows the track muting, unmuting and ending', () => {
    const { m } = marks();
    const track = new FakeTrack();
    track.muted = true; // a remote track starts muted until its first packets
    m.set('bob', track);
    expect(m.marks.get('bob')).toBe('muted');
    track.setMuted(false);
    expect(m.marks.get('bob')).toBe('on');
    track.setMuted(true);
    expect(m.marks.get('bob')).toBe('muted');
    track.setMuted(false);
    track.end();
    expect(m.marks.get('bob')).toBe('muted');
  });

  it('stops listening to a replaced track', () => {
    const { m } = marks();
    const old = new FakeTrack();
    m.set('bob', old);
    m.set('bob', new FakeTrack());
    old.end();
    expect(m.marks.get('bob')).toBe('on');
  });

  it('reports only real changes, each as a new map', () => {
    const { m, changes } = marks();
    const track = new FakeTrack();
    m.set('bob', track);
    const before = m.marks;
    track.setMuted(false);
    expect(changes()).toBe(1);
    expect(m.marks).toBe(before);
    track.setMuted(true);
    expect(m.marks).not.toBe(before);
    expect(before.get('bob')).toBe('on');
  });

  it('forgets someone who left, and their track no longer counts', () => {
    const { m } = marks();
    const track = new FakeTrack();
    m.set('bob', track);
    m.forget('bob');
    track.setMuted(true);
    expect(m.marks.has('bob')).toBe(false);
  });
});
