// Fakes of the call engine's ports: legs that remember what they were told to play, phones that
// remember what they were sent, a history kept in memory.
import type {
  ActiveRecording,
  CallLeg,
  CallRecord,
  ConferenceMembership,
  LegSource,
  MediaPlane,
  MessageDetails,
  StoredMessage,
  PhoneEndpoint,
  Playable,
  PromptName,
  RecordingResult,
} from '../../server/calls/ports.ts';
import type { CallUpdate, IncomingCall } from '../../server/signaling/protocol.ts';

/** A recording the test drives: the caller "speaks" for a while, then goes quiet. */
export class FakeRecording implements ActiveRecording {
  elapsedMs = 0;
  /** Ms of silence at the end so far. */
  trailingSilenceMs = 0;
  /** Ms at the end that are a key's tone (a key pressed as sound). */
  keyToneMs = 0;
  stopped = false;
  #silenceListeners: (() => void)[] = [];

  constructor(
    readonly path: string,
    readonly silenceSeconds: number,
  ) {}

  onSilence(listener: () => void): void {
    this.#silenceListeners.push(listener);
  }

  speak(ms: number): void {
    this.elapsedMs += ms;
    this.trailingSilenceMs = 0;
  }

  /** The caller says nothing for the box's silence time: the recording reports it. */
  goQuiet(): void {
    this.elapsedMs += this.silenceSeconds * 1000;
    this.trailingSilenceMs += this.silenceSeconds * 1000;
    for (const listener of this.#silenceListeners) listener();
  }

  async stop(): Promise<RecordingResult> {
    this.stopped = true;
    return { durationMs: this.elapsedMs, trailingSilenceMs: this.trailingSilenceMs, keyToneMs: this.keyToneMs };
  }
}

export class FakeLeg implements CallLeg {
  closed = false;
  /** Everything the leg was made to hear, in order ("ringback", "prompt:busy", "party:leg-2", ...). */
  heard: string[] = [];
  #digitListeners = new Set<(digit: string) => void>();
  #lostListeners = new Set<(reason: string) => void>();

  constructor(readonly id: string) {}

  get hearing(): string | undefined {
    return this.heard.at(-1);
  }

  hear(source: LegSource): void {
    this.heard.push(source.type === 'party' ? `party:${source.leg.id}` : source.type);
  }

  recordings: FakeRecording[] = [];

  /** Audio messages that have audio; others play nothing. */
  audioMessagesWithAudio = new Set<string>();

  async play(prompt: PromptName): Promise<void> {
    await this.playItem({ type: 'prompt', name: prompt });
  }

  async playItem(item: Playable): Promise<boolean> {
    if (item.type === 'audio-message' && !this.audioMessagesWithAudio.has(item.audioMessageId)) return false;
    const label =
      item.type === 'prompt'
        ? `prompt:${item.name}`
        : item.type === 'spoken'
          ? `spoken:${Object.values(item.value).join(':')}`
          : item.type === 'beep'
            ? 'beep'
            : item.type === 'audio-message'
              ? `audio:${item.audioMessageId}`
              : item.type === 'conference-tone'
                ? `tone:${item.tone}`
                : `recording:${item.path}`;
    this.heard.push(label);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.heard.push('silence');
    return true;
  }

  async record(path: string, options: { silenceSeconds: number }): Promise<FakeRecording> {
    const recording = new FakeRecording(path, options.silenceSeconds);
    this.recordings.push(recording);
    return recording;
  }

  onDigit(listener: (digit: string) => void): () => void {
    this.#digitListeners.add(listener);
    return () => this.#digitListeners.delete(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  sentDigits = '';

  sendDigits(digits: string): void {
    this.sentDigits += digits;
  }

  pressDigit(digit: string): void {
    for (const listener of this.#digitListeners) listener(digit);
  }

  loseConnection(reason = 'media-timeout'): void {
    for (const listener of this.#lostListeners) listener(reason);
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeMediaPlane implements MediaPlane {
  legs: FakeLeg[] = [];
  /** Audio messages that have audio, for every leg made from now on. */
  audioMessagesWithAudio = new Set<string>();

  async answer(offer: string): Promise<{ leg: FakeLeg; answer: string }> {
    const leg = new FakeLeg(`leg-${this.legs.length + 1}`);
    leg.audioMessagesWithAudio = this.audioMessagesWithAudio;
    this.legs.push(leg);
    return { leg, answer: `answer-to:${offer}` };
  }

  /** What the conference rooms were told, in order: "join:room:leg-1", "announce:join:leg-1", "leave:leg-1". */
  conference: string[] = [];
  /** Legs in each room now. */
  rooms = new Map<string, Set<string>>();

  joinConference(roomId: string, leg: CallLeg): ConferenceMembership {
    this.conference.push(`join:${roomId}:${leg.id}`);
    const members = this.rooms.get(roomId) ?? new Set<string>();
    this.rooms.set(roomId, members.add(leg.id));
    let left = false;
    return {
      announce: (tone) => {
        if (!left) this.conference.push(`announce:${tone}:${leg.id}`);
      },
      leave: () => {
        if (left) return;
        left = true;
        this.conference.push(`leave:${leg.id}`);
        members.delete(leg.id);
        if (members.size === 0) this.rooms.delete(roomId);
      },
    };
  }
}

let nextPhone = 1;

export class FakePhone implements PhoneEndpoint {
  readonly id = `phone-${nextPhone++}`;
  incomingCalls: IncomingCall[] = [];
  updates: CallUpdate[] = [];
  historyChanges = 0;

  constructor(
    readonly userId: string | null,
    readonly extension: string | null,
    readonly address = '127.0.0.1',
  ) {}

  incoming(call: IncomingCall): void {
    this.incomingCalls.push(call);
  }

  update(update: CallUpdate): void {
    this.updates.push(update);
  }

  historyChanged(): void {
    this.historyChanges++;
  }

  voicemailSummaries: { newMessages: number }[] = [];

  voicemailChanged(summary: { newMessages: number }): void {
    this.voicemailSummaries.push(summary);
  }

  lastUpdate(): CallUpdate | undefined {
    return this.updates.at(-1);
  }
}

/** Messages kept in memory, as the engine leaves them and plays them back. */
export class MemoryVoicemail {
  messages: { id: string; boxId: string; status: 'recording' | 'new' | 'heard' | 'deleted' | 'discarded'; durationMs: number; details: MessageDetails }[] = [];
  fullBoxes = new Set<string>();

  async reserve(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string } | null> {
    if (this.fullBoxes.has(boxId)) return null;
    return this.begin(boxId, details);
  }

  async begin(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string }> {
    const id = `msg-${this.messages.length + 1}`;
    this.messages.push({ id, boxId, status: 'recording', durationMs: 0, details });
    return { messageId: id, audioPath: `/voicemail/${boxId}/${id}.ogg` };
  }

  async commit(messageId: string, durationMs: number): Promise<void> {
    const message = this.messages.find((m) => m.id === messageId)!;
    message.status = 'new';
    message.durationMs = durationMs;
  }

  async discard(messageId: string): Promise<void> {
    this.messages.find((m) => m.id === messageId)!.status = 'discarded';
  }

  newMessages(boxId: string): StoredMessage[] {
    return this.messages
      .filter((m) => m.boxId === boxId && m.status === 'new')
      .map((m) => ({ id: m.id, callerName: m.details.callerName, callerNumber: m.details.callerNumber, startedAt: m.details.startedAt, durationMs: m.durationMs, audioPath: `/voicemail/${m.id}.ogg` }));
  }

  async markHeard(messageId: string): Promise<void> {
    this.messages.find((m) => m.id === messageId)!.status = 'heard';
  }

  async remove(messageId: string): Promise<void> {
    this.messages.find((m) => m.id === messageId)!.status = 'deleted';
  }
}

export class MemoryHistory {
  records: CallRecord[] = [];
  async record(call: CallRecord): Promise<void> {
    this.records.push(call);
  }
}
