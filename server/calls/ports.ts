// What the call engine needs from the world, as small interfaces: the media plane (legs that hear
// sources and report digits), the phones (signaling endpoints) and the call history. The real
// implementations live in media/ and server/signaling/; tests pass fakes.
import type { CallRecord } from '../../data/call-history.ts';
import type { CallUpdate, IncomingCall } from '../signaling/protocol.ts';

export type { CallRecord };

/** The voice prompts the engine can ask for; the media side speaks them in the global language. */
export const PROMPTS = [
  'not-in-service',
  'busy',
  'not-available',
  'not-available-yet',
  'goodbye',
  'voicemail-greeting',
  'mailbox-full',
  'message-too-long',
  'message-saved',
  'no-new-messages',
  'message-options',
  // Recording an audio message by phone (the PBX calls the admin's chosen extension).
  'recording-menu',
  'invalid-key',
  'no-message-yet',
  'message-recorded',
  'nothing-recorded',
  'message-deleted',
  'no-more-messages',
  'conference-pin',
  'conference-pin-wrong',
  'conference-alone',
  'conference-full',
  'invalid-choice',
] as const;
export type PromptName = (typeof PROMPTS)[number];

/** Prompts with a value in them, spoken when needed (and cached) rather than at start-up. */
export type SpokenValue =
  | { name: 'new-messages'; count: number }
  | { name: 'message-from'; index: number; caller: string }
  /** An IVR menu without audio: its own text, or else the keys it offers ("Please choose 1, 2 or 9"). */
  | { name: 'menu'; text: string; keys: string[] };

/** The time, injected: tests set it instead of sleeping (opening hours). */
export interface Clock {
  now(): Date;
}

/** Something a leg can play once: a spoken prompt, a tone, or a stored recording. */
export type Playable =
  | { type: 'prompt'; name: PromptName }
  | { type: 'spoken'; value: SpokenValue }
  | { type: 'beep' }
  /** The conference room's sound for someone coming in or going out. */
  | { type: 'conference-tone'; tone: ConferenceTone }
  /** An audio message of the configuration (a greeting); falls back to nothing if it has no audio. */
  | { type: 'audio-message'; audioMessageId: string }
  /** A stored voicemail message (an Ogg Opus file), e.g. when a user listens by phone. */
  | { type: 'recording'; path: string };

export interface RecordingResult {
  /** Audio length written, in milliseconds. */
  durationMs: number;
  /** How much of the end was silence (the caller stopped talking), in milliseconds. */
  trailingSilenceMs: number;
  /** How much of the end was the tone of a key pressed as sound (in-band DTMF), in milliseconds. */
  keyToneMs: number;
}

/** What a leg's caller says, written to an Ogg Opus file as it arrives (no decoding of the audio kept). */
export interface ActiveRecording {
  /** Called once the caller has been silent for the `silenceSeconds` the recording was started with. */
  onSilence(listener: () => void): void;
  /** Milliseconds recorded so far. */
  readonly elapsedMs: number;
  /** Stops, flushes and closes the file. */
  stop(): Promise<RecordingResult>;
}

/** What a leg's browser hears. Switching is seamless: the leg owns its RTP numbering. */
export type LegSource =
  | { type: 'silence' }
  | { type: 'ringback' }
  | { type: 'music-on-hold' }
  /** What an incoming number's callers hear while the phones ring (its music, maybe with a message); ringback when it has none. */
  | { type: 'waiting-music'; incomingNumberId: string }
  /** The other party of a bridge: its Opus packets are relayed, not decoded. */
  | { type: 'party'; leg: CallLeg }
  /** The others of the conference room the leg has joined (MediaPlane.joinConference), mixed. */
  | { type: 'conference' };

export interface CallLeg {
  readonly id: string;
  readonly closed: boolean;
  hear(source: LegSource): void;
  /** Plays a prompt once, then silence. Resolves when it has finished or was replaced (hear, close). */
  play(prompt: PromptName): Promise<void>;
  /** Plays anything playable once, then silence; resolves like play(), with false if there was nothing to play. */
  playItem(item: Playable): Promise<boolean>;
  /** Starts writing what the browser sends to `path` (Ogg Opus), flushed at least every second. */
  record(path: string, options: { silenceSeconds: number }): Promise<ActiveRecording>;
  /**
   * Keys pressed on the phone (RFC 4733 events). With `inBand`, tones sent as sound are detected
   * too, which costs decoding: ask for it only while waiting for keys (menus, voicemail).
   */
  onDigit(listener: (digit: string) => void, options?: { inBand?: boolean }): () => void;
  /** Plays DTMF digits to the browser as RFC 4733 events. */
  sendDigits(digits: string): void;
  /**
   * The media path ended without close(): `remote-closed` when the browser closed its connection
   * (as it does when it hangs up), otherwise a failure (`media-timeout`, `ice-failed`, ...).
   */
  onLost(listener: (reason: string) => void): () => void;
  close(): void;
}

export interface MediaPlane {
  /** A new leg for the browser that sent `offer`, and the SDP answer to send back to it. */
  answer(offer: string): Promise<{ leg: CallLeg; answer: string }>;
  /**
   * Puts the leg in conference room `roomId` (the room's mix is made at its first member): from
   * now on the others hear it. The leg hears the others once told to (`hear({ type: 'conference' })`).
   */
  joinConference(roomId: string, leg: CallLeg): ConferenceMembership;
}

export type ConferenceTone = 'join' | 'leave';

/** A leg's place in a conference room. */
export interface ConferenceMembership {
  /** Every other member of the room hears `tone` over the voices. */
  announce(tone: ConferenceTone): void;
  /** Out of the room: the others no longer hear it. */
  leave(): void;
}

/** One signaling connection: a softphone tab logged in as an extension, or a public caller page. */
export interface PhoneEndpoint {
  readonly id: string;
  /** The extension it is logged in as; null for the public caller page. */
  readonly extension: string | null;
  /** The user it is logged in as; null for the public caller page. */
  readonly userId: string | null;
  /** Remote address, for the public caller page's limits. */
  readonly address: string;
  incoming(call: IncomingCall): void;
  update(update: CallUpdate): void;
  historyChanged(): void;
  voicemailChanged(summary: { newMessages: number }): void;
}

/** Caller details stored with a voicemail message. */
export interface MessageDetails {
  callerName: string;
  callerNumber: string;
  /** The extension or incoming number the caller dialled. */
  dialled: string;
  startedAt: string;
}

/** A stored message, as the engine plays it to its box's owner. */
export interface StoredMessage {
  id: string;
  callerName: string;
  callerNumber: string;
  startedAt: string;
  durationMs: number;
  audioPath: string;
}

/** What a user listening to the own box by phone (*97) needs from the voicemail store. */
export interface VoicemailListening {
  newMessages(boxId: string): StoredMessage[];
  markHeard(messageId: string): Promise<void>;
  remove(messageId: string): Promise<void>;
}

/** Where the engine leaves voicemail messages; the store writes files and metadata, then notifies. */
export interface VoicemailDeposit {
  /**
   * Reserves a message if the box has room (checked and taken at once, so two callers cannot both
   * take its last place); null when it is full. Stored as "recording" first, so a crash can be repaired.
   */
  reserve(boxId: string, details: MessageDetails): Promise<{ messageId: string; audioPath: string } | null>;
  /** The recording is complete: the message becomes new, and the box's owner is notified. */
  commit(messageId: string, durationMs: number): Promise<void>;
  /** Too short, or nothing recorded: the message and its file are removed. */
  discard(messageId: string): Promise<void>;
}

export interface CallHistorySink {
  record(call: CallRecord): Promise<void>;
}

/**
 * Audio messages recorded by phone: the engine records to a path it is given, then says how much
 * of it to keep; the store keeps that as the draft's audio for the message (files stay outside the engine).
 */
export interface AudioMessageRecordings {
  /** The draft's audio of the message, or null when it has none yet. */
  current(audioMessageId: string): Playable | null;
  /** A new file to record into. */
  begin(): Promise<{ recordingId: string; path: string }>;
  /** Keeps the first `keepMs` of the recording as the message's audio in the draft, edited by `by`. */
  keep(recordingId: string, target: { audioMessageId: string; keepMs: number; by: string }): Promise<{ fileId: string; durationMs: number }>;
  /** Drops a recording (too short, or the call ended before anything was said). */
  discard(recordingId: string): Promise<void>;
}
