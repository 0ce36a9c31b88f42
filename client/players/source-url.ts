/** What a pasted "Video URL" is, so the right player opens it. */
export type UrlSource =
  | { kind: 'youtube'; url: string; videoId: string }
  | { kind: 'hls'; url: string }
  | { kind: 'file'; url: string }
  | { kind: 'invalid'; message: string };

const URL_MAX = 2048;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const YOUTUBE_HOSTS = new Set([
  'youtube.com',
  'www.youtube.com',
  'm.youtube.com',
  'music.youtube.com',
  'youtube-nocookie.com',
  'www.youtube-nocookie.com',
]);

/** The video ID of a YouTube link (watch?v=, youtu.be/, /embed/, /shorts/, /live/), or null. */
export function youtubeVideoId(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  let id: string | null | undefined = null;
  if (host === 'youtu.be' || host === 'www.youtu.be') {
    id = url.pathname.split('/')[1];
  } else if (YOUTUBE_HOSTS.has(host)) {
    const [first, second] = url.pathname.split('/').slice(1);
    if (first === 'watch') id = url.searchParams.get('v');
    else if (first === 'embed' || first === 'shorts' || first === 'live' || first === 'v')
      id = second;
  }
  return id && YOUTUBE_ID.test(id) ? id : null;
}

/**
 * Classifies what someone pasted. Only http(s) is accepted: other schemes (javascript:, data:,
 * file:) would run or read things in every guest's page. HLS is told by its .m3u8 path, since
 * a playlist needs hls.js where the browser cannot play it natively.
 */
export function classifyUrl(text: string): UrlSource {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return {
      kind: 'invalid',
      message: 'That is not a web address. Paste a link starting with https://',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'invalid', message: 'Only http and https links can be played.' };
  }
  const href = url.href;
  // sync messages carry the URL and refuse longer ones (shared/peer-messages.ts).
  if (href.length > URL_MAX) return { kind: 'invalid', message: 'This link is too long.' };
  const host = url.hostname.toLowerCase();
  if (host === 'youtu.be' || host === 'www.youtu.be' || YOUTUBE_HOSTS.has(host)) {
    const videoId = youtubeVideoId(url);
    return videoId
      ? { kind: 'youtube', url: href, videoId }
      : { kind: 'invalid', message: 'This YouTube link does not name a video.' };
  }
  if (url.pathname.toLowerCase().endsWith('.m3u8')) return { kind: 'hls', url: href };
  return { kind: 'file', url: href };
}
