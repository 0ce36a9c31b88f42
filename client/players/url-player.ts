import { HtmlVideoAdapter } from './html-video-adapter';
import { LazyYouTubeAdapter } from './lazy-youtube';
import type { PlayerAdapter } from './player-adapter';
import type { UrlSource } from './source-url';

/** A player for a video URL and the element that shows it. */
export interface UrlPlayer {
  player: PlayerAdapter;
  element: HTMLElement;
}

/**
 * The right player for a classified URL: YouTube's iframe for YouTube links, a <video> for
 * files and HLS (YouTube's adapter and hls.js are fetched when first loaded). `controls`: the
 * host drives playback from the player itself; guests follow.
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
    return { player: new LazyYouTubeAdapter(slot), element };
  }
  const video = document.createElement('video');
  video.controls = controls;
  video.playsInline = true;
  video.setAttribute('aria-label', 'Video player');
  return { player: new HtmlVideoAdapter(video), element: video };
}
