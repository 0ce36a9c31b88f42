/**
 * Stands in for the `debug` package, which only simple-peer imports in the browser: its logging
 * is off unless someone sets localStorage.debug, and the package costs 2.5 KB gzip of the bundle
 * (see vite.config.ts). Same shape: a namespace gives a log function that does nothing.
 */
export default function debug(_namespace: string): (...args: unknown[]) => void {
  return () => {};
}
