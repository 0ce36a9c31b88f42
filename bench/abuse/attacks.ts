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

/**
 * Where each side is, as on the internet, where an attacker is not the victim's address: the
 * rightful household (health checks, the room's sockets) on 127.0.0.1, the attacker's one
 * address (every attack but the spread sign-ins) on 127.0.0.2. Linux routes all of 127/8 to
 * loopback and the server trusts no proxy, so it sees each as its own client.
 */
export const CLIENT_ADDRESS = '127.0.0.1';
export const ATTACKER_ADDRESS = '127.0.0.2';
