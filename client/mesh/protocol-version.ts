/** Whose page runs the older protocol: ours ('self') or the other person's ('peer'). */
export type Outdated = 'self' | 'peer';

/**
 * What to tell people when two peers' `hello.v` differ, as tldraw's clientTooOld/serverTooOld
 * does: versions only grow, so the lower one is the older page, and only a reload brings it up
 * to date. Both sides decide from the same two numbers, so one is told to reload and the other
 * that the first must. Null when they speak the same version.
 */
export function outdatedSide(ours: number, theirs: number): Outdated | null {
  if (ours === theirs) return null;
  return ours < theirs ? 'self' : 'peer';
}
