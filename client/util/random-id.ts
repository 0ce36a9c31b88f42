/**
 * A random id of 22 URL-safe characters (about 128 bits). getRandomValues works in insecure
 * contexts too, unlike crypto.randomUUID, so a LAN deployment over plain HTTP still works.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
