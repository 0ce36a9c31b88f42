/** 75.4 → "1:15", 3725 → "1:02:05"; unknown durations show as "–:––". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '–:––';
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A file size for people: "532 bytes", "4.7 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${n} bytes`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** A chat timestamp (epoch ms) as local wall-clock time. */
export function formatClock(epochMs: number): string {
  return clock.format(new Date(epochMs));
}
