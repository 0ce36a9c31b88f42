import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * zxcvbn's score: 0 is under 10^3 guesses, 1 under 10^6. Passwords below 2 are the common ones
 * (`password1`, `letmein123`, `12345678`, keyboard walks, a word and a year) that an attacker
 * tries first, from any address, against every account.
 */
export const MIN_PASSWORD_SCORE = 2;

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * Built on first use: the dictionaries (about 49,000 common passwords, plus keyboard layouts)
 * take some 0.3 s and several MB, which a server that never sees a registration need not pay.
 * Server only: the client never imports this.
 */
function load(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) =>
      new core.ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs }),
  );
  return estimator;
}

/** Whether the password is among the easily guessed; the username counts as a known word. */
export async function isWeakPassword(password: string, username: string): Promise<boolean> {
  const zxcvbn = await load();
  return zxcvbn.check(password, [username]).score < MIN_PASSWORD_SCORE;
}
