import { describe, expect, it } from 'vitest';
import { REMEMBERED_TRACKS_MAX, RemotePersonalTracks } from './personal-tracks';

const audio = (id: string) => ({ kind: 'audio', id });
const video = (id: string) => ({ kind: 'video', id });

describe('RemotePersonalTracks', () => {
  it('takes a track as a voice only once its stream was announced', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    const mic = audio('mic');
    expect(tracks.announce({ voice: 'v', camera: null })).toEqual([]);
    expect(tracks.add(mic, 'v')).toEqual([{ kind: 'voice', track: mic }]);
  });

  it('leaves a track in an unannounced stream to the caller (the movie)', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: null });
    expect(tracks.add(audio('movie'), 'movie-stream')).toBe('other');
  });

  it('places a track that came before its announcement', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    const cam = video('cam');
    expect(tracks.add(cam, 'c')).toBe('other');
    expect(tracks.announce({ voice: null, camera: 'c' })).toEqual([{ kind: 'camera', track: cam }]);
  });

  it('turns a voice off and on again with the same track', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    const mic = audio('mic');
    tracks.announce({ voice: 'v', camera: null });
    tracks.add(mic, 'v');
    expect(tracks.announce({ voice: null, camera: null })).toEqual([
      { kind: 'voice', track: null },
    ]);
    expect(tracks.announce({ voice: 'v', camera: null })).toEqual([{ kind: 'voice', track: mic }]);
  });

  it('refuses a video announced as a voice', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: null });
    expect(tracks.add(video('x'), 'v')).toEqual([]);
  });

  it('keeps one voice: a second track in the same stream replaces the first', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: null });
    tracks.add(audio('a'), 'v');
    const b = audio('b');
    expect(tracks.add(b, 'v')).toEqual([{ kind: 'voice', track: b }]);
  });

  it('remembers a bounded number of streams, so a flood of tracks holds nothing', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.add(audio('first'), 's0');
    for (let i = 1; i <= REMEMBERED_TRACKS_MAX + 5; i += 1) tracks.add(audio(`t${i}`), `s${i}`);
    expect(tracks.announce({ voice: 's0', camera: null })).toEqual([]);
  });

  it('reports everything off when the connection goes', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: 'c' });
    tracks.add(audio('a'), 'v');
    tracks.add(video('b'), 'c');
    expect(tracks.clear()).toEqual([
      { kind: 'voice', track: null },
      { kind: 'camera', track: null },
    ]);
  });

  it('holds at most one voice and one camera however many tracks a peer sends', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: 'c' });
    let on = { voice: 0, camera: 0 };
    for (let i = 0; i < 100; i += 1) {
      const changes = [
        tracks.add(audio(`a${i}`), 'v'),
        tracks.add(video(`b${i}`), 'c'),
        tracks.add(audio(`x${i}`), `other-${i}`),
        tracks.add(video(`y${i}`), 'v'),
      ].flatMap((c) => (c === 'other' ? [] : c));
      for (const { kind, track } of changes) on = { ...on, [kind]: track ? 1 : 0 };
      expect(on.voice + on.camera).toBeLessThanOrEqual(2);
    }
    // The last audio in the voice stream was replaced by a video there: no voice at all.
    expect(on).toEqual({ voice: 0, camera: 1 });
  });

  it('takes nothing from a connection that went: a late track is not theirs', () => {
    const tracks = new RemotePersonalTracks<{ kind: string; id: string }>();
    tracks.announce({ voice: 'v', camera: null });
    tracks.add(audio('a'), 'v');
    tracks.clear();
    expect(tracks.add(audio('late'), 'v')).toBe('other');
  });
});
