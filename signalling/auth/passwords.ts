import bcrypt from 'bcryptjs';

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A hash to compare against when the username does not exist, so a missing account takes
 * as long to refuse as a wrong password.
 */
export function createDummyHash(cost: number): () => Promise<string> {
  let dummy: Promise<string> | undefined;
  return () => {
    dummy ??= bcrypt.hash('not-a-real-password', cost);
    return dummy;
  };
}
