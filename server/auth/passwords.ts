// Password hashing with bcryptjs: pure JavaScript, so nothing native to build on a fresh machine.
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';

const COST = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A password a person can type: 12 characters without look-alikes (0/O, 1/l). */
export function generatePassword(length = 12): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

let decoyHash: Promise<string> | null = null;

/**
 * Checks a password against a hash that may be missing (unknown account). A missing hash is
 * compared against a decoy so that timing does not reveal which accounts exist.
 */
export async function verifyAccountPassword(password: string, hash: string | undefined): Promise<boolean> {
  decoyHash ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, hash ?? (await decoyHash));
  return ok && hash !== undefined;
}
