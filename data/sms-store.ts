// Incoming SMS, kept in one lowdb JSON file (DATA_DIR/sms.json, written atomically) for the portal,
// with what became of each one's e-mail. Retention is bounded: an SMS older than 90 days goes, and
// each number keeps its newest 1 000. The file also remembers, for a few minutes, the signatures of
// the webhook requests it stored, so a replayed request is answered with the SMS it already made.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonDocument } from './json-document.ts';
import { Id } from './schema.ts';

/** What a number can receive in one SMS (ten concatenated parts, as carriers cap it). */
export const SMS_MAX_CHARACTERS = 1600;

export const SmsMessage = z.object({
  id: Id,
  /** The incoming number it was sent to, by id (the list is per number) and as dialled. */
  numberId: Id,
  to: z.string().max(32),
  /** The sender: a number, or an alphanumeric sender id. */
  from: z.string().max(64),
  text: z.string(),
  receivedAt: z.string(),
  /** As the carrier gave them, if it did. */
  carrierMessageId: z.string().max(128).nullable(),
  carrierSentAt: z.string().max(64).nullable(),
  /** Where it is e-mailed, decided on arrival: the number's address, else the default; null: nowhere. */
  emailTo: z.string().nullable(),
  emailSource: z.enum(['number', 'default']).nullable(),
  /** When its e-mail was put in the outbox; null until then (start-up catches up). */
  noticeQueuedAt: z.string().nullable(),
});
export type SmsMessage = z.infer<typeof SmsMessage>;

/** A webhook request already stored: replays of it until `until` are the same SMS. */
const SeenRequest = z.object({ key: z.string().max(128), smsId: Id, until: z.string() });

const SmsFile = z.object({ messages: z.array(SmsMessage), seenRequests: z.array(SeenRequest) });
type SmsFile = z.infer<typeof SmsFile>;

export type NewSms = Pick<SmsMessage, 'numberId' | 'to' | 'from' | 'text' | 'carrierMessageId' | 'carrierSentAt' | 'emailTo' | 'emailSource'>;

export interface SmsRetention {
  maxAgeMs: number;
  maxPerNumber: number;
}
export const DEFAULT_SMS_RETENTION: SmsRetention = { maxAgeMs: 90 * 24 * 3600_000, maxPerNumber: 1000 };

export interface SmsStoreOptions {
  now?: () => Date;
  newId?: () => string;
  retention?: Partial<SmsRetention>;
}

export interface RecordedSms {
  message: SmsMessage;
  /** The request (or the carrier's message id) was seen before: nothing new was stored. */
  duplicate: boolean;
}

export class SmsStore {
  /** Serialises writers: each one reads the current file and writes a new one. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #now: () => Date;
  readonly #newId: () => string;
  readonly #retention: SmsRetention;

  private constructor(private readonly file: JsonDocument<typeof SmsFile>, options: SmsStoreOptions) {
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? (() => `sms-${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`);
    this.#retention = { ...DEFAULT_SMS_RETENTION, ...options.retention };
  }

  static async open(dataDir: string, options: SmsStoreOptions = {}): Promise<SmsStore> {
    const store = new SmsStore(await JsonDocument.openAtStart(join(dataDir, 'sms.json'), SmsFile), options);
    await store.#exclusive(async () => {
      const data = store.#data();
      const kept = store.#pruned(data);
      if (kept.messages.length !== data.messages.length || kept.seenRequests.length !== data.seenRequests.length) await store.file.write(kept);
    });
    return store;
  }

  /**
   * Stores an SMS once. `request.key` identifies the signed webhook request and is remembered until
   * `request.until`; a request already seen, or a carrier message id already stored for the same
   * number, gives back the SMS stored then.
   */
  record(sms: NewSms, request: { key: string; until: Date }): Promise<RecordedSms> {
    return this.#exclusive(async () => {
      const data = this.#pruned(this.#data());
      const seen = data.seenRequests.find((r) => r.key === request.key);
      const earlier =
        (seen && data.messages.find((m) => m.id === seen.smsId)) ??
        (sms.carrierMessageId !== null ? data.messages.find((m) => m.numberId === sms.numberId && m.carrierMessageId === sms.carrierMessageId) : undefined);
      if (earlier) return { message: earlier, duplicate: true };
      const message = SmsMessage.parse({ ...sms, id: this.#newId(), receivedAt: this.#now().toISOString(), noticeQueuedAt: null });
      const next = this.#pruned({
        messages: [...data.messages, message],
        seenRequests: [...data.seenRequests, { key: request.key, smsId: message.id, until: request.until.toISOString() }],
      });
      await this.file.write(next);
      return { message, duplicate: false };
    });
  }

  /** The SMS a webhook request stored, while a replay of it is possible. */
  findByRequest(key: string): SmsMessage | undefined {
    const now = this.#now().getTime();
    const seen = this.#data().seenRequests.find((r) => r.key === key && Date.parse(r.until) >= now);
    return seen ? this.get(seen.smsId) : undefined;
  }

  get(id: string): SmsMessage | undefined {
    return this.#data().messages.find((m) => m.id === id);
  }

  /** One number's SMS, newest first. */
  list(numberId: string): SmsMessage[] {
    return this.#data()
      .messages.filter((m) => m.numberId === numberId)
      .sort((a, b) => (b.receivedAt < a.receivedAt ? -1 : b.receivedAt > a.receivedAt ? 1 : b.id.localeCompare(a.id)));
  }

  /** How many SMS each number holds. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const message of this.#data().messages) counts[message.numberId] = (counts[message.numberId] ?? 0) + 1;
    return counts;
  }

  /** SMS with an address whose e-mail never reached the outbox (the PBX stopped in between). */
  awaitingNotice(): SmsMessage[] {
    return this.#data().messages.filter((m) => m.emailTo !== null && m.noticeQueuedAt === null);
  }

  markNoticeQueued(id: string): Promise<void> {
    return this.#exclusive(async () => {
      const data = this.#data();
      if (!data.messages.some((m) => m.id === id && m.noticeQueuedAt === null)) return;
      const at = this.#now().toISOString();
      await this.file.write({ ...data, messages: data.messages.map((m) => (m.id === id ? { ...m, noticeQueuedAt: at } : m)) });
    });
  }

  #data(): SmsFile {
    return this.file.data ?? { messages: [], seenRequests: [] };
  }

  /** Without what retention drops: old SMS, a number's oldest beyond its maximum, expired requests. */
  #pruned(data: SmsFile): SmsFile {
    const now = this.#now().getTime();
    const oldest = new Date(now - this.#retention.maxAgeMs).toISOString();
    const perNumber = new Map<string, number>();
    const messages: SmsMessage[] = [];
    // Newest first, so each number's count reaches its maximum on the oldest.
    for (let i = data.messages.length - 1; i >= 0; i--) {
      const message = data.messages[i]!;
      if (message.receivedAt < oldest) continue;
      const count = (perNumber.get(message.numberId) ?? 0) + 1;
      perNumber.set(message.numberId, count);
      if (count <= this.#retention.maxPerNumber) messages.push(message);
    }
    messages.reverse();
    const seenRequests = data.seenRequests.filter((r) => Date.parse(r.until) >= now);
    return { messages, seenRequests };
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
