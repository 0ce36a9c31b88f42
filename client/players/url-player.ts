import { loadOnce } from '../util/load-once';
import type { VideoElementLike } from './html-video-adapter';
import { LazyPlayer, type OpenPlayer } from './lazy-player';
import type { PlayerAdapter } from './player-adapter';
import type { UrlSource } from './source-url';

/** A player for a video URL and the element that shows it. */
export interface UrlPlayer {
  player: PlayerAdapter;
  element: HTMLElement;
}

const loadYouTube = loadOnce(() => import('./youtube-adapter'));
const openYouTube: OpenPlayer<HTMLElement> = async () => {
  const { YouTubeAdapter } = await loadYouTube();
  return (container) => new YouTubeAdapter(container);
};

/** The <video> adapter's chunk: for a URL or file here, and for the host's stream. */
export const loadVideoAdapter = loadOnce(() => import('./html-video-adapter'));
const openVideo: OpenPlayer<VideoElementLike> = async () => {
  const { HtmlVideoAdapter } = await loadVideoAdapter();
  return (video) => new HtmlVideoAdapter(video);
};

/**
 * The right player for a classified URL: YouTube's iframe for YouTube links, a <video> for
 * files and HLS. Each adapter's code (and hls.js) is fetched when a source is first loaded, so a
 * room that only ever shows the host's stream never fetches them. `controls`: the host drives
 * playback from the player itself; guests follow.
 */
export function urlPlayer(
  kind: Exclude<UrlSource, { kind: 'invalid' }>['kind'],
  controls: boolean,
): UrlPlayer {
  if (kind === 'youtube') {
    // YouTube replaces the element it is given with its iframe: give it one inside ours.
    const element = document.createElement('div');
    element.className = 'youtube';
    const slot = document.createElement('div');
    element.append(slot);
    return { player: new LazyPlayer(slot, openYouTube, 'YouTube player'), element };
  }
  const video = document.createElement('video');
  video.controls = controls;
  video.playsInline = true;
  video.setAttribute('aria-label', 'Video player');
  return { player: new LazyPlayer(video, openVideo, 'video player'), element: video };
}
