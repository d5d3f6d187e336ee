// Voicemail messages: each one an Ogg Opus file, DATA_DIR/voicemail/<boxId>/<messageId>.ogg, with
// its details in one lowdb JSON file (DATA_DIR/voicemail/messages.json, written atomically).
// A message is stored as "recording" before its file exists, so a crash while a caller speaks leaves
// a trace that start-up repairs (recoverInterrupted): the message is then kept like any other, or
// dropped if too short. Messages outlive their box's "Voicemail: No" (the box is only disabled).
// Structurally this is the call engine's VoicemailDeposit and VoicemailListening
// (server/calls/ports.ts); data/ does not import from server/.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { trimRecordingEnd } from '../media/recorder/trim-recording.ts';
import { OggOpusError, repairOggOpus } from '../media/rtp/ogg-opus-reader.ts';
import { JsonDocument } from './json-document.ts';
import { DEFAULT_VOICEMAIL_LIMITS, Id, type PbxConfig, type VoicemailBox } from './schema.ts';

export const MessageStatus = z.enum(['recording', 'new', 'heard']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const VoicemailMessage = z.object({
  id: Id,
  boxId: Id,
  callerName: z.string().max(200),
  callerNumber: z.string().max(64),
  /** The extension or incoming number the caller dialled. */
  dialled: z.string().max(64),
  /** When the call started (ISO). */
  startedAt: z.string(),
  durationMs: z.number().int().min(0),
  status: MessageStatus,
  /** When the recording was complete (ISO); null while recording. */
  savedAt: z.string().nullable(),
  heardAt: z.string().nullable(),
  /** When the e-mail notice was put in the outbox; null until then (start-up catches up). */
  noticeQueuedAt: z.string().nullable(),
  /** Repaired at start-up after the PBX stopped during the recording. */
  recovered: z.boolean(),
});
export type VoicemailMessage = z.infer<typeof VoicemailMessage>;

const MessagesFile = z.object({ messages: z.array(VoicemailMessage) });
type MessagesFile = z.infer<typeof MessagesFile>;

/** Who called and what they dialled (the call engine's MessageDetails). */
export interface MessageDetails {
  callerName: string;
  callerNumber: string;
  dialled: string;
  startedAt: string;
}

export interface MessageCounts {
  new: number;
  heard: number;
}

export class UnknownMessageError extends Error {
  constructor(readonly messageId: string) {
    super(`No voicemail message ${messageId}`);
  }
}

export type MessageSavedListener = (message: VoicemailMessage, box: VoicemailBox | undefined) => void;
export type BoxChangedListener = (boxId: string) => void;

export interface VoicemailStoreOptions {
  /** The configuration in force (production): boxes, their limits. */
  config: () => PbxConfig;
  now?: () => Date;
  newId?: () => string;
  /** Told about what start-up recovery did and about listeners that threw. */
  log?: (event: string, details: Record<string, unknown>) => void;
}

export interface RecoveryReport {
  /** Repaired and kept, notice included. */
  saved: string[];
  /** Shorter than the box's minimum, or nothing playable left. */
  discarded: string[];
}

/** The enabled box a user owns: the one their softphone shows. */
export function userVoicemailBox(config: PbxConfig, userId: string): VoicemailBox | undefined {
  return config.voicemailBoxes.find((b) => b.enabled && b.owner.type === 'user' && b.owner.userId === userId);
}

export class VoicemailStore {
  #saved = new Set<MessageSavedListener>();
  #changed = new Set<BoxChangedListener>();
  /** Serialises writers: each one reads the current list and writes a new one. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #config: () => PbxConfig;
  readonly #now: () => Date;
  readonly #newId: () => string;
  readonly #log: (event: string, details: Record<string, unknown>) => void;

  private constructor(
    readonly directory: string,
    private readonly file: JsonDocument<typeof MessagesFile>,
    options: VoicemailStoreOptions,
  ) {
    this.#config = options.config;
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? (() => `msg-${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`);
    this.#log = options.log ?? (() => undefined);
  }

  static async open(dataDir: string, options: VoicemailStoreOptions): Promise<VoicemailStore> {
    const directory = join(dataDir, 'voicemail');
    await mkdir(directory, { recursive: true });
    const file = await JsonDocument.openAtStart(join(directory, 'messages.json'), MessagesFile);
    return new VoicemailStore(directory, file, options);
  }

  // --- what the call engine uses (VoicemailDeposit) ---

  /**
   * The box has no room for another message: new, heard and those being recorded (each holds its
   * place from the moment it is reserved) reach its maximum; a box that does not exist takes none.
   */
  isFull(boxId: string): boolean {
    const box = this.#box(boxId);
    if (!box) return true;
    return this.#messages().filter((m) => m.boxId === boxId).length >= box.limits.maxMessages;
  }

  /**
   * Reserves a place for a message if the box has room, checked and taken in one step: two callers
   * reaching a box with one free place cannot both get it. Null when the box is full.
   */
  reserve(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string } | null> {
    return this.#exclusive(async () => (this.isFull(boxId) ? null : this.#begin(boxId, details)));
  }

  /** Reserves a message whatever the box holds (reserve() is the checked way). */
  begin(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string }> {
    return this.#exclusive(() => this.#begin(boxId, details));
  }

  /** Stored as "recording" before its file exists, so a crash can be repaired. */
  async #begin(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string }> {
    Id.parse(boxId);
    const message: VoicemailMessage = {
      id: this.#newId(),
      boxId,
      callerName: details.callerName.slice(0, 200),
      callerNumber: details.callerNumber.slice(0, 64),
      dialled: details.dialled.slice(0, 64),
      startedAt: details.startedAt,
      durationMs: 0,
      status: 'recording',
      savedAt: null,
      heardAt: null,
      noticeQueuedAt: null,
      recovered: false,
    };
    await mkdir(join(this.directory, boxId), { recursive: true });
    await this.#write({ messages: [...this.#messages(), message] });
    return { messageId: message.id, audioPath: this.audioPath(message.id) };
  }

  /**
   * The recording is complete: its file is cut to `durationMs` (what ended the message, silence or
   * a key's tone, is not kept), the message becomes new and "message saved" listeners hear of it.
   */
  async commit(messageId: string, durationMs: number, recovered = false): Promise<void> {
    if (this.get(messageId)?.status === 'recording') {
      // Before the commit: a stop in between leaves the message "recording", repaired whole at start-up.
      await trimRecordingEnd(this.audioPath(messageId), durationMs).catch((error: unknown) => {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        if (!missing) this.#log('voicemail recording not trimmed', { messageId, error: error instanceof Error ? error.message : String(error) });
      });
    }
    const saved = await this.#exclusive(async () => {
      const message = this.#find(messageId);
      if (message.status !== 'recording') return null; // committed already: once only
      const next: VoicemailMessage = {
        ...message,
        status: 'new',
        durationMs: Math.max(0, Math.round(durationMs)),
        savedAt: this.#now().toISOString(),
        recovered,
      };
      await this.#replace(next);
      return next;
    });
    if (!saved) return;
    const box = this.#box(saved.boxId);
    for (const listener of this.#saved) this.#call(() => listener(saved, box));
    this.#emitChanged(saved.boxId);
  }

  /** Too short, or nothing recorded: the message and its file go. */
  discard(messageId: string): Promise<void> {
    return this.#delete(messageId, false);
  }

  // --- what the phones and the portal use ---

  get(messageId: string): VoicemailMessage | undefined {
    return this.#messages().find((m) => m.id === messageId);
  }

  /** The box's messages, new and heard (not those being recorded), newest first. */
  list(boxId: string): VoicemailMessage[] {
    return this.#messages()
      .filter((m) => m.boxId === boxId && m.status !== 'recording')
      .sort((a, b) => (b.startedAt < a.startedAt ? -1 : b.startedAt > a.startedAt ? 1 : 0));
  }

  /** The box's new messages, oldest first, with their audio: what a user hears by phone (*97). */
  newMessages(boxId: string): (Pick<VoicemailMessage, 'id' | 'callerName' | 'callerNumber' | 'startedAt' | 'durationMs'> & { audioPath: string })[] {
    return this.list(boxId)
      .filter((m) => m.status === 'new')
      .reverse()
      .map((m) => ({ id: m.id, callerName: m.callerName, callerNumber: m.callerNumber, startedAt: m.startedAt, durationMs: m.durationMs, audioPath: this.audioPath(m.id) }));
  }

  counts(boxId: string): MessageCounts {
    const counts: MessageCounts = { new: 0, heard: 0 };
    for (const message of this.#messages()) {
      if (message.boxId !== boxId) continue;
      if (message.status === 'new') counts.new++;
      else if (message.status === 'heard') counts.heard++;
    }
    return counts;
  }

  /** Counts of every box that has messages. */
  allCounts(): Record<string, MessageCounts> {
    const all: Record<string, MessageCounts> = {};
    for (const message of this.#messages()) {
      if (message.status === 'recording') continue;
      const counts = (all[message.boxId] ??= { new: 0, heard: 0 });
      counts[message.status]++;
    }
    return all;
  }

  async markHeard(messageId: string): Promise<void> {
    await this.#setStatus(messageId, 'heard');
  }

  /** Back to new (unheard), e.g. to listen again later. */
  async markNew(messageId: string): Promise<void> {
    await this.#setStatus(messageId, 'new');
  }

  /** Deletes a message (new or heard) and its audio. */
  remove(messageId: string): Promise<void> {
    return this.#delete(messageId, true);
  }

  audioPath(messageId: string): string {
    const message = this.get(messageId);
    if (!message) throw new UnknownMessageError(messageId);
    return join(this.directory, message.boxId, `${message.id}.ogg`);
  }

  onMessageSaved(listener: MessageSavedListener): () => void {
    this.#saved.add(listener);
    return () => this.#saved.delete(listener);
  }

  /** A box's counts changed (a message saved, heard, deleted). */
  onChanged(listener: BoxChangedListener): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  // --- notices ---

  /** Saved messages whose notice never reached the outbox (the PBX stopped in between). */
  messagesAwaitingNotice(): VoicemailMessage[] {
    return this.#messages().filter((m) => m.status !== 'recording' && m.noticeQueuedAt === null);
  }

  markNoticeQueued(messageId: string): Promise<void> {
    return this.#exclusive(async () => {
      const message = this.get(messageId);
      if (!message || message.noticeQueuedAt !== null) return;
      await this.#replace({ ...message, noticeQueuedAt: this.#now().toISOString() });
    });
  }

  // --- start-up ---

  /**
   * Finishes what a stop during a recording left: each message still "recording" has its file
   * repaired (torn last page dropped, end of stream marked) and is saved, notice included, if it
   * is at least the box's minimum length; otherwise it is discarded.
   */
  async recoverInterrupted(): Promise<RecoveryReport> {
    const report: RecoveryReport = { saved: [], discarded: [] };
    for (const message of this.#messages().filter((m) => m.status === 'recording')) {
      const path = this.audioPath(message.id);
      let durationMs = 0;
      try {
        durationMs = (await repairOggOpus(path)).durationMs;
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        if (!missing && !(error instanceof OggOpusError)) throw error;
      }
      const minimumMs = (this.#box(message.boxId)?.limits.minMessageSeconds ?? DEFAULT_VOICEMAIL_LIMITS.minMessageSeconds) * 1000;
      if (durationMs > 0 && durationMs >= minimumMs) {
        await this.commit(message.id, durationMs, true);
        report.saved.push(message.id);
      } else {
        await this.discard(message.id);
        report.discarded.push(message.id);
      }
      this.#log('voicemail recovered', { messageId: message.id, boxId: message.boxId, durationMs, kept: durationMs > 0 && durationMs >= minimumMs });
    }
    // A repair or a trim interrupted in its turn leaves its temporary file.
    for (const box of await readdir(this.directory, { withFileTypes: true })) {
      if (!box.isDirectory()) continue;
      for (const name of await readdir(join(this.directory, box.name))) {
        if (name.endsWith('.repair') || name.endsWith('.trim')) await rm(join(this.directory, box.name, name), { force: true });
      }
    }
    return report;
  }

  // --- inside ---

  #messages(): VoicemailMessage[] {
    return this.file.data?.messages ?? [];
  }

  #box(boxId: string): VoicemailBox | undefined {
    return this.#config().voicemailBoxes.find((b) => b.id === boxId);
  }

  #find(messageId: string): VoicemailMessage {
    const message = this.get(messageId);
    if (!message) throw new UnknownMessageError(messageId);
    return message;
  }

  async #setStatus(messageId: string, status: 'new' | 'heard'): Promise<VoicemailMessage> {
    const { message, changed } = await this.#exclusive(async () => {
      const current = this.#find(messageId);
      if (current.status === 'recording') throw new UnknownMessageError(messageId);
      if (current.status === status) return { message: current, changed: false };
      const next = { ...current, status, heardAt: status === 'heard' ? this.#now().toISOString() : null };
      await this.#replace(next);
      return { message: next, changed: true };
    });
    if (changed) this.#emitChanged(message.boxId);
    return message;
  }

  async #delete(messageId: string, savedOnly: boolean): Promise<void> {
    const removed = await this.#exclusive(async () => {
      const message = this.#find(messageId);
      if (savedOnly && message.status === 'recording') throw new UnknownMessageError(messageId);
      // The file first: a crash in between leaves details without audio (dropped at start-up if
      // still recording, shown as unplayable otherwise), never audio nobody can find.
      await rm(this.audioPath(message.id), { force: true });
      await this.#write({ messages: this.#messages().filter((m) => m.id !== messageId) });
      return message;
    });
    if (removed.status !== 'recording') this.#emitChanged(removed.boxId);
  }

  async #replace(message: VoicemailMessage): Promise<void> {
    await this.#write({ messages: this.#messages().map((m) => (m.id === message.id ? message : m)) });
  }

  #write(data: MessagesFile): Promise<void> {
    return this.file.write(data);
  }

  #emitChanged(boxId: string): void {
    for (const listener of this.#changed) this.#call(() => listener(boxId));
  }

  /** A listener that throws must not undo or stop what the store did. */
  #call(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#log('voicemail listener failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
