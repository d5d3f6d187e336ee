// Recording an audio message by phone, as the portal asks for it: the PBX calls the extension the
// admin chose, runs the recording menu once it is answered, and keeps a status the portal's dialog
// polls (ringing, in the menu, recording, saved, and how the call ended).
import type { PbxConfig } from '../../data/schema.ts';
import type { Logger } from '../logger.ts';
import type { CallId, EndReason } from '../signaling/protocol.ts';
import type { CallEngine } from './call-engine.ts';
import type { AudioMessageRecordings } from './ports.ts';
import { runRecordingMenu, type MenuActivity } from './recording-menu.ts';

/** How long the chosen phone rings before the dialog says nobody answered. */
export const RECORDING_CALL_RING_SECONDS = 30;
/** Statuses of ended calls kept for the dialog to read; the oldest go first. */
const ENDED_KEPT = 50;

export type RecordingCallState = 'ringing' | 'menu' | 'recording' | 'playing' | 'ended';
export type RecordingCallEnd = 'no-answer' | 'declined' | 'finished' | 'hung-up' | 'cancelled' | 'lost';

export interface RecordingCallStatus {
  callId: CallId;
  audioMessageId: string;
  extension: string;
  userName: string;
  state: RecordingCallState;
  /** How the call ended, once it has. */
  end: RecordingCallEnd | null;
  /** What the dialog says now, in words. */
  text: string;
  /** Recordings kept during this call, the latest last (the draft's message has the latest). */
  saved: { fileId: string; durationMs: number }[];
  /** Why the last recording was not kept, if it was not. */
  problem: string | null;
}

export class RecordingCallRefused extends Error {
  constructor(
    readonly reason: 'unknown-message' | 'unknown-extension' | 'busy' | 'not-signed-in',
    message: string,
  ) {
    super(message);
  }
}

export interface MessageRecordingCallsOptions {
  engine: CallEngine;
  /** Extensions are those of production: the phones are signed in against it. */
  production: () => PbxConfig;
  /** The message is the draft's: it is what the admin is editing. */
  draft: () => PbxConfig;
  recordings: AudioMessageRecordings;
  logger: Logger;
}

export class MessageRecordingCalls {
  readonly #calls = new Map<CallId, { status: RecordingCallStatus; hangUp: () => void }>();

  constructor(private readonly options: MessageRecordingCallsOptions) {}

  /** Rings the extension; refuses at once when it cannot ring (unknown, busy, signed in nowhere). */
  async start(request: { audioMessageId: string; extension: string; by: string }): Promise<RecordingCallStatus> {
    const message = this.options.draft().audioMessages.find((m) => m.id === request.audioMessageId);
    if (!message) throw new RecordingCallRefused('unknown-message', `No audio message with id ${request.audioMessageId}`);
    const user = this.options.production().users.find((u) => u.extension === request.extension);
    if (!user) {
      throw new RecordingCallRefused('unknown-extension', `No user has extension ${request.extension} in production (a new user can be called once applied)`);
    }
    const who = `${user.name} (${user.extension})`;
    let status: RecordingCallStatus | null = null;
    const origination = await this.options.engine.originate({
      userId: user.id,
      from: { name: `Switchboard — message ${message.name}`, number: '' },
      dialled: user.extension,
      ringSeconds: RECORDING_CALL_RING_SECONDS,
      service: async (call) => {
        await runRecordingMenu(call, {
          audioMessageId: message.id,
          recordings: this.options.recordings,
          by: request.by,
          onActivity: (activity) => status && this.#onActivity(status, activity),
        });
        // The menu ended the call (#, or silence): the PBX hangs up next.
        if (status && !call.ended) status.end ??= 'finished';
      },
    });
    if (!origination.rang) {
      if (origination.outcome === 'busy') throw new RecordingCallRefused('busy', `${who} is on a call: try again when the call is over`);
      throw new RecordingCallRefused('not-signed-in', `${who} is not signed in on any softphone: sign in at /phone/ with extension ${user.extension} first`);
    }
    status = {
      callId: origination.callId,
      audioMessageId: message.id,
      extension: user.extension,
      userName: user.name,
      state: 'ringing',
      end: null,
      text: `Calling ${who}…`,
      saved: [],
      problem: null,
    };
    const current = status;
    this.#calls.set(current.callId, { status: current, hangUp: origination.hangUp });
    void origination.outcome.then((outcome) => {
      if (outcome === 'answered') this.#onActivity(current, { type: 'menu' });
    });
    void origination.ended.then((reason) => this.#onEnded(current, reason, who));
    this.options.logger.info({ callId: current.callId, audioMessageId: message.id, extension: user.extension }, 'recording an audio message by phone');
    return { ...current };
  }

  status(callId: string): RecordingCallStatus | null {
    const call = this.#calls.get(callId as CallId);
    return call ? { ...call.status, saved: [...call.status.saved] } : null;
  }

  /** The admin closed the dialog or pressed Hang up: the PBX ends the call. */
  hangUp(callId: string): boolean {
    const call = this.#calls.get(callId as CallId);
    if (!call) return false;
    if (call.status.state !== 'ended') {
      call.status.end = 'cancelled';
      call.hangUp();
    }
    return true;
  }

  #onActivity(status: RecordingCallStatus, activity: MenuActivity): void {
    if (status.state === 'ended') return;
    switch (activity.type) {
      case 'menu':
        status.state = 'menu';
        status.text = status.saved.length > 0 ? 'Recording saved in the draft. Apply changes to use it, or record again.' : 'Answered: the menu is playing.';
        return;
      case 'recording':
        status.state = 'recording';
        status.problem = null;
        status.text = 'Recording… press # on the phone to finish.';
        return;
      case 'playing':
        status.state = 'playing';
        status.text = 'Playing the current message on the phone.';
        return;
      case 'saved':
        status.saved.push({ fileId: activity.fileId, durationMs: activity.durationMs });
        status.text = 'Recording saved in the draft. Apply changes to use it, or record again.';
        return;
      case 'nothing-recorded':
        status.problem = 'Nothing was recorded (shorter than half a second).';
        return;
      case 'not-saved':
        status.problem = `The recording was not kept: ${activity.reason}`;
        return;
    }
  }

  #onEnded(status: RecordingCallStatus, reason: EndReason, who: string): void {
    const wasAnswered = status.state !== 'ringing';
    status.state = 'ended';
    // The PBX's own endings (menu done, cancelled) were noted before; what is left came from the phone.
    status.end ??= !wasAnswered ? (reason === 'rejected' ? 'declined' : 'no-answer') : reason === 'hangup' ? 'hung-up' : 'lost';
    status.text = endInWords(status.end, who, status.saved.length);
    this.#forgetOldest();
  }

  #forgetOldest(): void {
    const ended = [...this.#calls.values()].filter((c) => c.status.state === 'ended');
    for (const call of ended.slice(0, Math.max(0, ended.length - ENDED_KEPT))) this.#calls.delete(call.status.callId);
  }
}

function endInWords(end: RecordingCallEnd, who: string, saved: number): string {
  const recorded = saved > 0 ? ' The new recording is in the draft: Apply changes to use it.' : '';
  switch (end) {
    case 'no-answer':
      return `${who} did not answer within ${RECORDING_CALL_RING_SECONDS} s.`;
    case 'declined':
      return `${who} declined the call.`;
    case 'finished':
      return `Call ended.${recorded}`;
    case 'hung-up':
      return `${who} hung up.${recorded}`;
    case 'cancelled':
      return `Call cancelled.${recorded}`;
    case 'lost':
      return `The call was lost.${recorded}`;
  }
}
