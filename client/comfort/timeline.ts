import { formatDuration } from '../util/format';
import { make } from './element';

/** What the timeline draws: the buffered spans and the host's position, in seconds. */
export interface TimelineState {
  duration: number;
  buffered: readonly (readonly [number, number])[];
  host: number | null;
}

/** Share of `duration` as a CSS percentage, clamped to the bar. */
const percent = (t: number, duration: number): string =>
  `${(Math.min(duration, Math.max(0, t)) / duration) * 100}%`;

/** The words for the timeline, for those who cannot see it. */
export function timelineLabel(state: TimelineState): string {
  const spans = state.buffered.map(([a, b]) => `${formatDuration(a)} to ${formatDuration(b)}`);
  const host = state.host === null ? '' : `; host at ${formatDuration(state.host)}`;
  return `Buffered ${spans.join(', ') || 'nothing'} of ${formatDuration(state.duration)}${host}`;
}

/** Draws `state` into `bar`: one span per buffered range and a mark at the host's position. */
export function drawTimeline(bar: HTMLElement, state: TimelineState): void {
  const children: HTMLElement[] = state.buffered.map(([a, b]) => {
    const span = make('span', { className: 'range' });
    span.style.left = percent(a, state.duration);
    span.style.width = `calc(${percent(b, state.duration)} - ${percent(a, state.duration)})`;
    return span;
  });
  if (state.host !== null) {
    const mark = make('span', { className: 'host' });
    mark.style.left = percent(state.host, state.duration);
    children.push(mark);
  }
  bar.replaceChildren(...children);
  bar.ariaLabel = timelineLabel(state);
}
