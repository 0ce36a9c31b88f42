/**
 * A Lit `hasChanged` for list properties: a parent that builds a fresh array with the same items
 * on every render does not make the child render again.
 */
export function listChanged<T>(next: readonly T[], previous: readonly T[] | undefined): boolean {
  if (previous === undefined || next.length !== previous.length) return true;
  return next.some((item, i) => item !== previous[i]);
}
