// The e-mail outbox: every notice is a file on disk (DATA_DIR/outbox/<id>.json, written atomically
// by lowdb, its attachments beside it in DATA_DIR/outbox/<id>/) before anything is sent, and stays
// there with its delivery history. Delivery retries with exponential backoff (5 s doubling to
// 5 min, for 7 days), so an SMTP server that is down for a while, or a PBX restart, still ends with
// every notice delivered exactly once.
//
// Exactly once, and the one window left:
// - A notice exists once its JSON file is renamed into place; its attachments are written before,
//   so a notice on disk is always complete. Enqueueing is idempotent by notice id (the voicemail
//   side derives it from the message id), so asking twice, e.g. after a crash, gives one notice.
// - Notices are sent one at a time, by one loop, so one notice is never in two SMTP transactions.
// - The moment the SMTP server answers 250 to the end of the message, the notice is written back
//   as "sent" (temporary file + rename): nothing else happens in between.
// - Each notice has its own Message-ID and Date, fixed when it is created and the same on every
//   attempt.
// What remains is the classic SMTP duplicate window (RFC 1047): if the PBX dies (or the connection
// drops) after the server has taken the message but before "sent" is on disk, which is the time of
// one reply and one small file write, the notice is sent again after the restart. The receiving
// side then holds two copies with the same Message-ID, which many mail stores and clients fold
// into one. No SMTP client can close this window; it is kept as short as the disk allows.
// The other way round can't happen: a notice is marked sent only after the server accepted it.
// (Writes are not fsynced: this protects against the process dying, not against power loss.)
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { CorruptFileError, JsonDocument } from '../../data/json-document.ts';
import { Id } from '../../data/schema.ts';
import type { Logger } from '../logger.ts';

export const NOT_CONFIGURED = 'not sent (no SMTP server configured)';

export const NoticeAttachment = z.object({
  filename: z.string().min(1).max(200),
  contentType: z.string().min(1).max(100),
  /** The file's name inside the notice's folder. */
  file: z.string().regex(/^[A-Za-z0-9._-]+$/),
  size: z.number().int().min(0),
});
export type NoticeAttachment = z.infer<typeof NoticeAttachment>;

export const NoticeStatus = z.enum(['pending', 'sent', 'failed']);
export type NoticeStatus = z.infer<typeof NoticeStatus>;

export const Notice = z.object({
  id: Id,
  /** What the notice is about, e.g. "voicemail"; and which thing (a message id). */
  kind: z.string().max(40),
  subjectId: z.string().max(100).nullable(),
  createdAt: z.string(),
  /** RFC 5322 Message-ID, the same on every attempt. */
  messageId: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  attachments: z.array(NoticeAttachment),
  status: NoticeStatus,
  attempts: z.number().int().min(0),
  lastAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** The SMTP server's last reply to an accepted message (e.g. "250 OK: queued as …"). */
  smtpResponse: z.string().nullable(),
});
export type Notice = z.infer<typeof Notice>;

export interface NewNotice {
  id: string;
  kind: string;
  subjectId?: string | null;
  to: string;
  subject: string;
  text: string;
  attachments?: { filename: string; contentType: string; content: Uint8Array }[];
}

/** One message as the transport sends it. */
export interface OutgoingMail {
  messageId: string;
  date: Date;
  from: string;
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; path: string }[];
  headers: Record<string, string>;
}

/** Sends one message; resolves once the server accepted it, with the server's reply. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close?(): void;
}

/** An SMTP error a retry would not fix (5xx: no such mailbox, refused sender). */
export class PermanentMailError extends Error {}

/** nodemailer's SMTP transport for a URL such as smtp://127.0.0.1:2525 or smtps://user:pass@host. */
export function smtpTransport(url: string): MailTransport {
  // A server that stops answering mid-way must fail the attempt, not hold the outbox forever.
  const transporter = nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail({
          messageId: mail.messageId,
          date: mail.date,
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          attachments: mail.attachments,
          headers: mail.headers,
        });
        return { response: String(info.response ?? '') };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) throw new PermanentMailError((error as Error).message);
        throw error;
      }
    },
    close: () => transporter.close(),
  };
}

export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** A notice still not delivered this long after it was made is given up (status failed). */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 5_000, maxDelayMs: 5 * 60_000, giveUpAfterMs: 7 * 24 * 3600_000 };

export interface OutboxOptions {
  /** null: no SMTP server configured; notices wait in the outbox. */
  transport: MailTransport | null;
  from: string;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
  /** Sent notices older than this are removed with their attachments (default 30 days). */
  keepSentMs?: number;
}

export class UnknownNoticeError extends Error {}

/** Delay before attempt n + 1 after n failed ones: first, then doubling, capped. */
export function retryDelay(failedAttempts: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

export class Outbox {
  readonly #documents = new Map<string, JsonDocument<typeof Notice>>();
  readonly #transport: MailTransport | null;
  readonly #from: string;
  readonly #logger: Logger;
  readonly #retry: RetryPolicy;
  readonly #now: () => Date;
  readonly #keepSentMs: number;
  #timer: NodeJS.Timeout | undefined;
  #delivering: Promise<void> | null = null;
  #again = false;
  /** The next run tries every pending notice, due or not: at start-up (a restart may be the fix), on retryAll(). */
  #everythingDue = true;
  #closed = false;
  /** Serialises writes of one notice's file (enqueue and delivery never write the same one at once). */
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(readonly directory: string, options: OutboxOptions) {
    this.#transport = options.transport;
    this.#from = options.from;
    this.#logger = options.logger;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#now = options.now ?? (() => new Date());
    this.#keepSentMs = options.keepSentMs ?? 30 * 24 * 3600_000;
  }

  /** Opens DATA_DIR/outbox and starts delivering what is pending (right away: a restart may be the fix). */
  static async open(dataDir: string, options: OutboxOptions): Promise<Outbox> {
    const directory = join(dataDir, 'outbox');
    await mkdir(directory, { recursive: true });
    const outbox = new Outbox(directory, options);
    await outbox.#load();
    outbox.#schedule(0);
    return outbox;
  }

  get smtpConfigured(): boolean {
    return this.#transport !== null;
  }

  has(id: string): boolean {
    return this.#documents.has(id);
  }

  get(id: string): Notice | undefined {
    return this.#documents.get(id)?.data ?? undefined;
  }

  /** Every notice, newest first. */
  list(): Notice[] {
    return [...this.#documents.values()]
      .map((d) => d.data!)
      .sort((a, b) => (b.createdAt < a.createdAt ? -1 : b.createdAt > a.createdAt ? 1 : b.id.localeCompare(a.id)));
  }

  attachmentPath(id: string, index: number): { path: string; attachment: NoticeAttachment } {
    const notice = this.get(id);
    const attachment = notice?.attachments[index];
    if (!notice || !attachment) throw new UnknownNoticeError(`No attachment ${index} on notice ${id}`);
    return { path: join(this.directory, id, attachment.file), attachment };
  }

  /**
   * Puts a notice in the outbox: attachments first, then the notice file (the commit point).
   * A notice with this id already there is returned as it is: asking twice makes one notice.
   */
  async enqueue(input: NewNotice): Promise<Notice> {
    const id = Id.parse(input.id);
    const notice = await this.#serial(async () => {
      const existing = this.get(id);
      if (existing) return existing;
      const folder = join(this.directory, id);
      const attachments: NoticeAttachment[] = [];
      if (input.attachments?.length) {
        await mkdir(folder, { recursive: true });
        for (const [index, attachment] of input.attachments.entries()) {
          const file = `${index + 1}${extensionOf(attachment.filename)}`;
          await writeFile(join(folder, file), attachment.content);
          attachments.push({ filename: attachment.filename, contentType: attachment.contentType, file, size: attachment.content.byteLength });
        }
      }
      const now = this.#now();
      const fresh: Notice = {
        id,
        kind: input.kind,
        subjectId: input.subjectId ?? null,
        createdAt: now.toISOString(),
        messageId: `<${id}@${domainOf(this.#from)}>`,
        from: this.#from,
        to: input.to,
        subject: input.subject,
        text: input.text,
        attachments,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        lastError: this.#transport ? null : NOT_CONFIGURED,
        nextAttemptAt: this.#transport ? now.toISOString() : null,
        sentAt: null,
        smtpResponse: null,
      };
      const document = await JsonDocument.open(this.#noticeFile(id), Notice);
      await document.write(fresh);
      this.#documents.set(id, document);
      return fresh;
    });
    this.#schedule(0);
    return notice;
  }

  /** Tries every pending notice now (e.g. the admin knows the SMTP server is back). */
  retryAll(): void {
    this.#everythingDue = true;
    this.#schedule(0);
  }

  /** Waits for the attempt in progress, if any; stops retrying. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#delivering;
    this.#transport?.close?.();
  }

  // --- inside ---

  async #load(): Promise<void> {
    const names = await readdir(this.directory, { withFileTypes: true });
    for (const entry of names) {
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      try {
        const document = await JsonDocument.open(join(this.directory, entry.name), Notice);
        if (document.data) this.#documents.set(document.data.id, document);
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        this.#logger.error({ file: entry.name, err: error }, 'outbox: unreadable notice left aside');
      }
    }
    // Folders without a notice file: a crash while the attachments were written. The notice will
    // be made again (the voicemail side catches up); these partial files are of no use.
    for (const entry of names) {
      if (entry.isDirectory() && !this.#documents.has(entry.name)) await rm(join(this.directory, entry.name), { recursive: true, force: true });
      if (entry.isFile() && entry.name.endsWith('.tmp')) await rm(join(this.directory, entry.name), { force: true });
    }
    const cutoff = this.#now().getTime() - this.#keepSentMs;
    for (const notice of this.list()) {
      if (notice.status === 'sent' && notice.sentAt && Date.parse(notice.sentAt) < cutoff) await this.#remove(notice.id);
      else if (notice.status === 'pending' && !this.#transport && notice.lastError !== NOT_CONFIGURED) {
        await this.#update(notice.id, { lastError: NOT_CONFIGURED, nextAttemptAt: null });
      }
    }
  }

  #noticeFile(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  async #remove(id: string): Promise<void> {
    await rm(join(this.directory, id), { recursive: true, force: true });
    await rm(this.#noticeFile(id), { force: true });
    this.#documents.delete(id);
  }

  /** Plans the next delivery run: `delayMs` from now, or (null) when the earliest pending notice is due. */
  #schedule(delayMs: number | null): void {
    if (this.#closed || !this.#transport) return;
    if (this.#delivering) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    let wait = delayMs;
    if (wait === null) {
      const due = this.list()
        .filter((n) => n.status === 'pending' && n.nextAttemptAt)
        .map((n) => Date.parse(n.nextAttemptAt!));
      if (due.length === 0) return;
      wait = Math.max(0, Math.min(...due) - this.#now().getTime());
    }
    this.#timer = setTimeout(() => {
      this.#delivering = this.#deliverDue()
        .catch((error: unknown) => this.#logger.error({ err: error }, 'outbox: delivery run failed'))
        .finally(() => {
          this.#delivering = null;
          const again = this.#again;
          this.#again = false;
          this.#schedule(again ? 0 : null);
        });
    }, Math.min(wait, 2 ** 31 - 1));
  }

  async #deliverDue(): Promise<void> {
    const everything = this.#everythingDue;
    this.#everythingDue = false;
    const now = this.#now().getTime();
    const due = this.list()
      .filter((n) => n.status === 'pending' && (everything || (n.nextAttemptAt !== null && Date.parse(n.nextAttemptAt) <= now)))
      .reverse(); // oldest first
    for (const notice of due) {
      if (this.#closed) return;
      await this.#attempt(notice.id);
    }
  }

  async #attempt(id: string): Promise<void> {
    const transport = this.#transport!;
    const started = this.#now();
    const notice = await this.#update(id, (current) => ({ attempts: current.attempts + 1, lastAttemptAt: started.toISOString() }));
    const mail: OutgoingMail = {
      messageId: notice.messageId,
      date: new Date(notice.createdAt),
      from: notice.from,
      to: notice.to,
      subject: notice.subject,
      text: notice.text,
      attachments: notice.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, path: join(this.directory, id, a.file) })),
      headers: { 'X-Switchboard-Notice': notice.id },
    };
    let accepted: { response: string };
    try {
      accepted = await transport.send(mail);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const expired = this.#now().getTime() - Date.parse(notice.createdAt) >= this.#retry.giveUpAfterMs;
      if (error instanceof PermanentMailError || expired) {
        await this.#update(id, { status: 'failed', lastError: message, nextAttemptAt: null });
        this.#logger.error({ notice: id, to: notice.to, attempts: notice.attempts, err: message }, 'e-mail notice given up');
      } else {
        const next = new Date(this.#now().getTime() + retryDelay(notice.attempts, this.#retry));
        await this.#update(id, { lastError: message, nextAttemptAt: next.toISOString() });
        this.#logger.warn({ notice: id, to: notice.to, attempts: notice.attempts, nextAttemptAt: next.toISOString(), err: message }, 'e-mail notice not sent yet');
      }
      return;
    }
    // Accepted: written as sent before anything else happens (see the top of this file).
    await this.#update(id, { status: 'sent', sentAt: this.#now().toISOString(), lastError: null, nextAttemptAt: null, smtpResponse: accepted.response });
    this.#logger.info({ notice: id, to: notice.to, attempts: notice.attempts }, 'e-mail notice sent');
  }

  #update(id: string, changes: Partial<Notice> | ((current: Notice) => Partial<Notice>)): Promise<Notice> {
    return this.#serial(async () => {
      const document = this.#documents.get(id);
      if (!document?.data) throw new UnknownNoticeError(`No notice ${id}`);
      const next = { ...document.data, ...(typeof changes === 'function' ? changes(document.data) : changes) };
      await document.write(next);
      return next;
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(work);
    this.#writes = result.catch(() => undefined);
    return result;
  }
}

function extensionOf(filename: string): string {
  const match = /\.[A-Za-z0-9]{1,8}$/.exec(filename);
  return match ? match[0].toLowerCase() : '';
}

/** The domain of an address such as "Switchboard <switchboard@pbx.example>", for Message-IDs. */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1] ?? 'switchboard.localhost';
}
