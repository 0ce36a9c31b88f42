import { describe, expect, it } from 'vitest';
import { sourceSchema } from '../../shared/peer-messages';
import { classifyUrl, youtubeVideoId } from './source-url';

const ID = 'dQw4w9WgXcQ';

describe('youtubeVideoId', () => {
  it.each([
    `https://www.youtube.com/watch?v=${ID}`,
    `https://youtube.com/watch?feature=share&v=${ID}&t=42`,
    `https://m.youtube.com/watch?v=${ID}`,
    `https://youtu.be/${ID}?si=abc`,
    `https://www.youtube.com/embed/${ID}?start=3`,
    `https://www.youtube-nocookie.com/embed/${ID}`,
    `https://www.youtube.com/shorts/${ID}`,
    `https://www.youtube.com/live/${ID}`,
  ])('finds the ID in %s', (link) => {
    expect(youtubeVideoId(new URL(link))).toBe(ID);
  });

  it.each([
    'https://www.youtube.com/',
    'https://www.youtube.com/watch?v=short',
    'https://www.youtube.com/channel/UC1234567890',
    `https://evil.example/watch?v=${ID}`,
    `https://youtube.com.evil.example/watch?v=${ID}`,
  ])('finds none in %s', (link) => {
    expect(youtubeVideoId(new URL(link))).toBeNull();
  });
});

describe('classifyUrl', () => {
  it('tells YouTube, HLS and direct files apart', () => {
    expect(classifyUrl(` https://youtu.be/${ID} `)).toMatchObject({ kind: 'youtube', videoId: ID });
    expect(classifyUrl('https://cdn.example/live/master.M3U8?token=1').kind).toBe('hls');
    expect(classifyUrl('http://media.example/clip.webm').kind).toBe('file');
    expect(classifyUrl('https://media.example/watch?id=7').kind).toBe('file');
  });

  it('refuses anything but http(s), garbage, YouTube links without a video and long links', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:video/mp4;base64,AAAA',
      'file:///etc/passwd',
      'ftp://example.com/a.mp4',
      'not a url',
      '',
      'https://www.youtube.com/feed/trending',
      `https://example.com/${'a'.repeat(2100)}.mp4`,
    ]) {
      const r = classifyUrl(text);
      expect(r.kind, text).toBe('invalid');
      if (r.kind === 'invalid') expect(r.message.length).toBeGreaterThan(10);
    }
  });

  it('accepts only URLs a sync message can carry', () => {
    for (const text of [
      `https://youtu.be/${ID}`,
      'https://a.example/x.m3u8',
      'http://b.example/y.mp4',
    ]) {
      const r = classifyUrl(text);
      if (r.kind === 'invalid') throw new Error(text);
      expect(sourceSchema.safeParse({ kind: 'url', url: r.url }).success).toBe(true);
    }
  });
});
