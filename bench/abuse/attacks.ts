/** The attacks bench/abuse runs, each by bench/abuse/attacker.ts in a process of its own. */
export const ATTACKS = [
  'idle-connections',
  'handshakes',
  'rooms',
  'sign-ins',
  'sign-ins-spread',
  'sign-ins-spread-accounts',
] as const;
export type Attack = (typeof ATTACKS)[number];

export const isAttack = (s: string | undefined): s is Attack =>
  (ATTACKS as readonly string[]).includes(s ?? '');

/** The attacker's one address (every attack but the spread sign-ins). */
export const ATTACKER_ADDRESS = '127.0.0.1';
