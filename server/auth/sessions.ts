// Login sessions, identified by a random token in an httpOnly cookie. Only a hash of the token is
// stored (sessions.json), so a leaked data folder does not leak live sessions; sessions survive restarts.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonDocument } from '../../data/json-document.ts';

export const SessionIdentity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin'), name: z.string() }),
  z.object({ kind: z.literal('user'), userId: z.string(), extension: z.string(), name: z.string() }),
]);
export type SessionIdentity = z.infer<typeof SessionIdentity>;

const StoredSession = z.object({ identity: SessionIdentity, expiresAt: z.number() });
const SessionsFile = z.object({ sessions: z.record(z.string(), StoredSession) });

export class Sessions {
  private constructor(
    private readonly file: JsonDocument<typeof SessionsFile>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  static async open(dataDir: string, ttlMs: number, now: () => number = Date.now): Promise<Sessions> {
    const file = await JsonDocument.openAtStart(join(dataDir, 'sessions.json'), SessionsFile);
    return new Sessions(file, ttlMs, now);
  }

  /** Starts a session and returns its token. Every login gets a fresh token (no session fixation). */
  async start(identity: SessionIdentity): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const sessions = this.#liveSessions();
    sessions[hashToken(token)] = { identity, expiresAt: this.now() + this.ttlMs };
    await this.file.write({ sessions });
    return token;
  }

  find(token: string | undefined): SessionIdentity | null {
    if (!token) return null;
    const session = this.file.data?.sessions[hashToken(token)];
    return session && session.expiresAt > this.now() ? session.identity : null;
  }

  async end(token: string | undefined): Promise<void> {
    if (!token) return;
    const sessions = this.#liveSessions();
    delete sessions[hashToken(token)];
    await this.file.write({ sessions });
  }

  #liveSessions(): Record<string, z.infer<typeof StoredSession>> {
    const now = this.now();
    return Object.fromEntries(Object.entries(this.file.data?.sessions ?? {}).filter(([, s]) => s.expiresAt > now));
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
