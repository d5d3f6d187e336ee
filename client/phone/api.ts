// The softphone's HTTP routes (docs/API.md: Sessions, Softphone, Voicemail): log in by extension,
// the call history and its missed-call badge, the user's voicemail messages.
import type { HistoryEntry, UserHistory } from '../../data/call-history.ts';
import type { MessageCounts } from '../../data/voicemail-store.ts';
import type { MessageView } from '../../server/http/voicemail-routes.ts';
import { requestJson } from '../shared/http.ts';

export type { HistoryEntry, MessageCounts, MessageView, UserHistory };

/** The user's voicemail box as GET /api/phone/voicemail gives it. */
export interface PhoneVoicemail {
  box: { id: string; name: string } | null;
  counts: MessageCounts;
  messages: MessageView[];
}

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
  voicemail: () => requestJson<PhoneVoicemail>('GET', '/api/phone/voicemail'),
  markHeard: (messageId: string) =>
    requestJson<{ message: MessageView; counts: MessageCounts }>('POST', `/api/phone/voicemail/${encodeURIComponent(messageId)}/heard`, {}),
  deleteMessage: (messageId: string) => requestJson<{ counts: MessageCounts }>('DELETE', `/api/phone/voicemail/${encodeURIComponent(messageId)}`),
};
