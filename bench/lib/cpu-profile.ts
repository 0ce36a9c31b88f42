/** What is read of a CDP `Profiler.Profile`. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * A CDP CPU profile's self time per function, heaviest first, as ms and share of the profile:
 * what a page's main thread spent its time on, readable without DevTools.
 */
export function selfTimes(
  profile: CpuProfile,
  top = 15,
): Array<{ fn: string; ms: number; percent: number }> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  profile.samples?.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    const file = frame.url.split('/').pop()?.split('?')[0] ?? '';
    const fn = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    // A sample's time is the gap to the next one.
    const dt = (deltas[i + 1] ?? 0) / 1000;
    ms.set(fn, (ms.get(fn) ?? 0) + dt);
    total += dt;
  });
  return [...ms]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([fn, t]) => ({
      fn,
      ms: Math.round(t),
      percent: Math.round((t / total) * 1000) / 10,
    }));
}
