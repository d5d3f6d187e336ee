// A phone's line to the PBX: the signaling connection, the call in progress (at most one), and the
// calls ringing on this phone. The softphone and the public caller page both run on it; their pages
// only render its state and call its methods. State is replaced, never mutated, so a page re-renders
// on every change.
import type { CallId, CallUpdate, EndReason, IncomingCall, Party } from '../../server/signaling/protocol.ts';
import { CallSession } from './call-session.ts';
import { MicrophoneError } from './microphone.ts';
import { connectSignaling, request, SignalingTimeout, type SignalingNamespace, type SignalingSocket } from './signaling.ts';
import { endReasonInWords, isTroubleReason, partyName } from './words.ts';

/** How long a notice that is not about trouble stays up. */
const NOTICE_FADES_AFTER_MS = 12_000;

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'refused';

export interface CurrentCall {
  /** Null until the PBX has acknowledged an outgoing call. */
  callId: CallId | null;
  direction: 'outgoing' | 'incoming';
  /** What was dialled (outgoing), or the caller's number (incoming). */
  dialled: string;
  peer: Party | null;
  /** starting: opening the microphone and setting up; ringing: the other side rings. */
  phase: 'starting' | 'ringing' | 'connected' | 'held';
  heldBy: 'you' | 'them' | null;
  /** When the call was answered (Date.now()), for the timer. */
  connectedAt: number | null;
  muted: boolean;
}

/** A sentence about the last thing that happened: how a call ended, why it could not start. */
export interface LineNotice {
  text: string;
  trouble: boolean;
  /** Set when the notice is about a call that ended, with the PBX's reason. */
  reason?: EndReason;
}

export interface LineState {
  connection: ConnectionState;
  /** Why the PBX refused the connection (e.g. the session ended); set with connection "refused". */
  refusal: string | null;
  call: CurrentCall | null;
  /** Calls ringing on this phone, oldest first. */
  ringing: IncomingCall[];
  notice: LineNotice | null;
}

export interface PhoneLineOptions {
  namespace: SignalingNamespace;
  /** The microphone to use (a deviceId), or null for the browser's default. */
  microphoneId?: string | null;
}

/** Keeps only what can be dialled: digits, *, # and a leading +. */
export function cleanDialled(text: string): string {
  const trimmed = text.trim();
  const plus = trimmed.startsWith('+') ? '+' : '';
  return plus + trimmed.replace(/[^0-9*#]/g, '');
}

export class PhoneLine {
  readonly #socket: SignalingSocket;
  #state: LineState = { connection: 'connecting', refusal: null, call: null, ringing: [], notice: null };
  readonly #listeners = new Set<(state: LineState) => void>();
  readonly #historyListeners = new Set<() => void>();
  readonly #voicemailListeners = new Set<(summary: { newMessages: number }) => void>();
  #session: CallSession | null = null;
  /** Identifies the call being set up, so a hang-up during set-up wins over late answers. */
  #attempt: object | null = null;
  /** Updates that arrived before the dial acknowledgement told us the call id. */
  #early = new Map<CallId, CallUpdate[]>();
  #microphoneId: string | null;
  #closed = false;

  constructor(options: PhoneLineOptions) {
    this.#microphoneId = options.microphoneId ?? null;
    const socket = connectSignaling(options.namespace);
    this.#socket = socket;
    socket.on('connect', () => this.#set({ connection: 'online', refusal: null }));
    socket.on('disconnect', (reason) => {
      if (this.#closed) return;
      // socket.io retries by itself except when the server closed the connection; ask again then
      // (a refused session then shows as "refused").
      if (reason === 'io server disconnect') socket.connect();
      // The PBX ends the calls of a phone that disconnects, and stops ringing it.
      if (this.#state.call) this.#finish({ text: 'Connection to the PBX lost: the call ended', trouble: true, reason: 'connection-lost' });
      this.#set({ connection: 'reconnecting', ringing: [] });
    });
    socket.on('connect_error', (error) => {
      // socket.io gives up only when the server refused us (no session): retrying would not help.
      if (!socket.active) this.#set({ connection: 'refused', refusal: error.message });
      else this.#set({ connection: 'reconnecting' });
    });
    socket.on('incoming', (call) => {
      if (this.#state.ringing.some((c) => c.callId === call.callId)) return;
      this.#set({ ringing: [...this.#state.ringing, call] });
    });
    socket.on('call-update', (update) => this.#onUpdate(update));
    socket.on('history-changed', () => {
      for (const listener of this.#historyListeners) listener();
    });
    socket.on('voicemail-changed', (summary) => {
      for (const listener of this.#voicemailListeners) listener(summary);
    });
    socket.on('signaling-error', (message) => this.#set({ notice: { text: message, trouble: true } }));
  }

  get state(): LineState {
    return this.#state;
  }

  /** The media of the call in progress (for measurements); null when there is none. */
  get session(): CallSession | null {
    return this.#session;
  }

  subscribe(listener: (state: LineState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onHistoryChanged(listener: () => void): () => void {
    this.#historyListeners.add(listener);
    return () => this.#historyListeners.delete(listener);
  }

  /** The user's voicemail box changed (a message saved, heard or deleted), with the new count. */
  onVoicemailChanged(listener: (summary: { newMessages: number }) => void): () => void {
    this.#voicemailListeners.add(listener);
    return () => this.#voicemailListeners.delete(listener);
  }

  dismissNotice(): void {
    if (this.#state.notice) this.#set({ notice: null });
  }

  async dial(text: string): Promise<void> {
    const to = cleanDialled(text);
    if (this.#state.call) return;
    if (!to || to === '+') return this.#set({ notice: { text: 'Type a number to call.', trouble: true } });
    if (this.#state.connection !== 'online') return this.#set({ notice: { text: 'Not connected to the PBX yet: wait a moment and try again.', trouble: true } });
    const attempt = {};
    this.#attempt = attempt;
    this.#set({ notice: null, call: { callId: null, direction: 'outgoing', dialled: to, peer: null, phase: 'starting', heldBy: null, connectedAt: null, muted: false } });
    let session: CallSession;
    let offer: string;
    try {
      ({ session, offer } = await CallSession.start({ microphoneId: this.#microphoneId }));
    } catch (error) {
      if (this.#attempt === attempt) this.#finish(this.#failure(error));
      return;
    }
    if (this.#attempt !== attempt) return session.close();
    this.#useSession(session);
    let result: Awaited<ReturnType<typeof request<'dial'>>>;
    try {
      result = await request(this.#socket, 'dial', { to, offer });
    } catch (error) {
      if (this.#attempt === attempt) this.#finish(this.#failure(error));
      else session.close();
      return;
    }
    if (!result.ok) {
      if (this.#attempt === attempt) this.#finish({ text: result.error, trouble: true });
      else session.close();
      return;
    }
    if (this.#attempt !== attempt) {
      // Hung up while the PBX was setting the call up.
      this.#socket.emit('hangup', { callId: result.callId });
      this.#early.delete(result.callId);
      return session.close();
    }
    this.#set({ call: { ...this.#state.call!, callId: result.callId } });
    await this.#acceptAnswer(session, result.answer, attempt);
    const early = this.#early.get(result.callId) ?? [];
    this.#early.clear();
    for (const update of early) this.#onUpdate(update);
  }

  async answer(callId: CallId): Promise<void> {
    const incoming = this.#state.ringing.find((c) => c.callId === callId);
    if (!incoming || this.#state.call) return;
    const attempt = {};
    this.#attempt = attempt;
    this.#set({
      notice: null,
      ringing: this.#state.ringing.filter((c) => c.callId !== callId),
      call: { callId, direction: 'incoming', dialled: incoming.from.number, peer: incoming.from, phase: 'starting', heldBy: null, connectedAt: null, muted: false },
    });
    let session: CallSession;
    let offer: string;
    try {
      ({ session, offer } = await CallSession.start({ microphoneId: this.#microphoneId }));
    } catch (error) {
      if (this.#attempt !== attempt) return;
      // Without a microphone the call keeps ringing here: the person can still reject it.
      this.#attempt = null;
      this.#set({ call: null, ringing: [incoming, ...this.#state.ringing], notice: this.#failure(error) });
      return;
    }
    if (this.#attempt !== attempt) return session.close();
    this.#useSession(session);
    let result: Awaited<ReturnType<typeof request<'answer'>>>;
    try {
      result = await request(this.#socket, 'answer', { callId, offer });
    } catch (error) {
      if (this.#attempt === attempt) this.#finish(this.#failure(error));
      return;
    }
    if (this.#attempt !== attempt) return;
    if (!result.ok) return this.#finish({ text: result.error, trouble: true });
    await this.#acceptAnswer(session, result.answer, attempt);
  }

  reject(callId: CallId): void {
    if (!this.#state.ringing.some((c) => c.callId === callId)) return;
    this.#socket.emit('reject', { callId });
    this.#set({ ringing: this.#state.ringing.filter((c) => c.callId !== callId) });
  }

  hangup(): void {
    const call = this.#state.call;
    if (!call) return;
    if (call.callId) this.#socket.emit('hangup', { callId: call.callId });
    this.#finish({ text: call.phase === 'starting' && call.direction === 'outgoing' ? 'Call cancelled' : 'Call ended', trouble: false, reason: 'hangup' });
  }

  async setHold(hold: boolean): Promise<void> {
    const call = this.#state.call;
    if (!call?.callId || (call.phase !== 'connected' && call.phase !== 'held')) return;
    try {
      const result = await request(this.#socket, 'hold', { callId: call.callId, hold });
      if (!result.ok) this.#set({ notice: { text: result.error, trouble: true } });
    } catch (error) {
      this.#set({ notice: this.#failure(error) });
    }
  }

  setMuted(muted: boolean): void {
    const call = this.#state.call;
    if (!call || !this.#session) return;
    this.#session.setMuted(muted);
    this.#set({ call: { ...call, muted } });
  }

  /** Sends keys to the other side (RFC 4733 in the media); false when no call can carry them. */
  sendDigits(digits: string): boolean {
    const call = this.#state.call;
    if (!call || call.phase === 'starting') return false;
    return this.#session?.sendDigits(digits) ?? false;
  }

  /** Changes the microphone, for this call too if one is in progress. */
  async useMicrophone(deviceId: string | null): Promise<void> {
    this.#microphoneId = deviceId;
    if (!this.#session) return;
    try {
      await this.#session.useMicrophone(deviceId);
    } catch (error) {
      this.#set({ notice: this.#failure(error) });
    }
  }

  close(): void {
    this.#closed = true;
    const callId = this.#state.call?.callId;
    if (callId) this.#socket.emit('hangup', { callId });
    this.#session?.close();
    this.#session = null;
    this.#socket.close();
    this.#listeners.clear();
  }

  // --- inside ---

  #useSession(session: CallSession): void {
    this.#session = session;
    session.onMediaState((state) => {
      if (state === 'failed' && this.#session === session) {
        const callId = this.#state.call?.callId;
        if (callId) this.#socket.emit('hangup', { callId });
        this.#finish({ text: 'The audio connection to the PBX failed: the call ended', trouble: true, reason: 'connection-lost' });
      }
    });
  }

  async #acceptAnswer(session: CallSession, answer: string, attempt: object): Promise<void> {
    try {
      await session.accept(answer);
    } catch (error) {
      if (this.#attempt !== attempt) return;
      const callId = this.#state.call?.callId;
      if (callId) this.#socket.emit('hangup', { callId });
      this.#finish({ text: `The browser refused the PBX's audio setup: ${error instanceof Error ? error.message : String(error)}`, trouble: true });
    }
  }

  #onUpdate(update: CallUpdate): void {
    const call = this.#state.call;
    if (call?.callId === update.callId) return this.#apply(call, update);
    const ringing = this.#state.ringing.find((c) => c.callId === update.callId);
    if (ringing) {
      if (update.state !== 'ended') return;
      const text = update.reason === 'answered-elsewhere' ? 'Answered on another device' : `Missed call from ${partyName(ringing.from, ringing.from.number)}`;
      return this.#set({ ringing: this.#state.ringing.filter((c) => c !== ringing), notice: { text, trouble: false, reason: update.reason } });
    }
    if (call && call.callId === null && call.direction === 'outgoing') {
      // The PBX may say "ringing" before it acknowledges the dial: keep it for when we know the id.
      this.#early.set(update.callId, [...(this.#early.get(update.callId) ?? []), update]);
    }
  }

  #apply(call: CurrentCall, update: CallUpdate): void {
    const peer = update.peer ?? call.peer;
    switch (update.state) {
      case 'ringing':
        return this.#set({ call: { ...call, peer, phase: 'ringing' } });
      case 'connected':
        return this.#set({ call: { ...call, peer, phase: 'connected', heldBy: null, connectedAt: call.connectedAt ?? Date.now() } });
      case 'held':
        return this.#set({ call: { ...call, peer, phase: 'held', heldBy: update.heldBy ?? 'them', connectedAt: call.connectedAt ?? Date.now() } });
      case 'ended':
        return this.#finish({ text: endReasonInWords(update.reason), trouble: isTroubleReason(update.reason), reason: update.reason });
    }
  }

  #finish(notice: LineNotice): void {
    this.#attempt = null;
    this.#session?.close();
    this.#session = null;
    this.#early.clear();
    this.#set({ call: null, notice });
  }

  #failure(error: unknown): LineNotice {
    if (error instanceof MicrophoneError || error instanceof SignalingTimeout) return { text: error.message, trouble: true };
    return { text: `The call could not be set up: ${error instanceof Error ? error.message : String(error)}`, trouble: true };
  }

  #set(partial: Partial<LineState>): void {
    this.#state = { ...this.#state, ...partial };
    const notice = partial.notice;
    if (notice && !notice.trouble) {
      // Ordinary news ("Call ended") fades; trouble stays until read and dismissed, or the next call.
      setTimeout(() => {
        if (this.#state.notice === notice) this.#set({ notice: null });
      }, NOTICE_FADES_AFTER_MS);
    }
    for (const listener of this.#listeners) listener(this.#state);
  }
}
