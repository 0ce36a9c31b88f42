/**
 * A chunk fetched with import() the first time someone needs it, shared by every later caller.
 * A failed fetch (offline, a deploy replaced the chunk) is forgotten, so the next call tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}
