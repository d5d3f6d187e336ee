// The softphone's HTTP routes (docs/API.md: Sessions, Softphone): log in by extension, the call
// history and its missed-call badge.
import type { HistoryEntry, UserHistory } from '../../data/call-history.ts';
import { requestJson } from '../shared/http.ts';

export type { HistoryEntry, UserHistory };

export interface PhoneSession {
  kind: 'user';
  userId: string;
  extension: string;
  name: string;
}

type AnySession = PhoneSession | { kind: 'admin'; name: string };

export const phoneApi = {
  /** The session this browser has, if it is a softphone one. */
  async currentSession(): Promise<PhoneSession | null> {
    try {
      const session = await requestJson<AnySession>('GET', '/api/session');
      return session.kind === 'user' ? session : null;
    } catch (error) {
      if (error instanceof Error && 'status' in error && error.status === 401) return null;
      throw error;
    }
  },
  login: (extension: string, password: string) => requestJson<PhoneSession>('POST', '/api/phone/session', { extension, password }),
  logout: () => requestJson<void>('DELETE', '/api/session'),
  history: () => requestJson<UserHistory>('GET', '/api/phone/history'),
  markMissedSeen: () => requestJson<{ unseenMissed: number }>('POST', '/api/phone/history/seen', {}),
};
