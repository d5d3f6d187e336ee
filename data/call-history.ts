// The call history, stored server-side (calls.json): every finished call once, and each user's view
// of it (outgoing, incoming, missed) with the time the user last looked at the missed calls.
import { join } from 'node:path';
import { z } from 'zod';
import { JsonDocument } from './json-document.ts';

export const CallRecord = z.object({
  callId: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  fromUserId: z.string().nullable(),
  fromName: z.string(),
  fromNumber: z.string(),
  to: z.string(),
  rangUserIds: z.array(z.string()),
  answeredByUserId: z.string().nullable(),
  answeredAt: z.string().nullable(),
  durationSeconds: z.number(),
  endReason: z.string(),
});
export type CallRecord = z.infer<typeof CallRecord>;

const CallHistoryFile = z.object({
  calls: z.array(CallRecord),
  /** Per user: when the user last looked at the missed calls (ISO time). */
  missedSeenAt: z.record(z.string(), z.string()),
});

export interface HistoryEntry {
  callId: string;
  at: string;
  direction: 'outgoing' | 'incoming';
  /** The other party: who called, or what was dialled. */
  peerName: string;
  peerNumber: string;
  answered: boolean;
  /** Incoming and not answered by this user. */
  missed: boolean;
  durationSeconds: number;
}

export interface UserHistory {
  entries: HistoryEntry[];
  /** Missed calls since the user last looked. */
  unseenMissed: number;
}

/** The oldest calls are dropped beyond this many. */
const MAX_CALLS = 10_000;

export class CallHistory {
  private constructor(private readonly file: JsonDocument<typeof CallHistoryFile>) {}

  static async open(dataDir: string): Promise<CallHistory> {
    return new CallHistory(await JsonDocument.openAtStart(join(dataDir, 'calls.json'), CallHistoryFile));
  }

  async record(call: CallRecord): Promise<void> {
    const current = this.#data();
    await this.file.write({ ...current, calls: [...current.calls, call].slice(-MAX_CALLS) });
  }

  forUser(userId: string, limit = 100): UserHistory {
    const { calls, missedSeenAt } = this.#data();
    const entries: HistoryEntry[] = [];
    for (const call of calls) {
      if (call.fromUserId === userId) {
        entries.push({
          callId: call.callId,
          at: call.startedAt,
          direction: 'outgoing',
          peerName: '',
          peerNumber: call.to,
          answered: call.answeredByUserId !== null,
          missed: false,
          durationSeconds: call.durationSeconds,
        });
      } else if (call.rangUserIds.includes(userId)) {
        const answered = call.answeredByUserId === userId;
        entries.push({
          callId: call.callId,
          at: call.startedAt,
          direction: 'incoming',
          peerName: call.fromName,
          peerNumber: call.fromNumber,
          answered,
          missed: !answered,
          durationSeconds: answered ? call.durationSeconds : 0,
        });
      }
    }
    const seenAt = missedSeenAt[userId] ?? '';
    const unseenMissed = entries.filter((e) => e.missed && e.at > seenAt).length;
    return { entries: entries.reverse().slice(0, limit), unseenMissed };
  }

  async markMissedSeen(userId: string, at = new Date()): Promise<void> {
    const current = this.#data();
    await this.file.write({ ...current, missedSeenAt: { ...current.missedSeenAt, [userId]: at.toISOString() } });
  }

  #data(): z.infer<typeof CallHistoryFile> {
    return this.file.data ?? { calls: [], missedSeenAt: {} };
  }
}
