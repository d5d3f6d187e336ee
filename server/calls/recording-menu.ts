// The voice menu of a call the PBX places to record an audio message: 1 records (beep, then until
// #), 2 plays the message as the draft has it now, # says goodbye. A wrong key says so; no key for
// 10 s repeats the menu, and after three silent rounds the PBX hangs up.
import type { AnsweredPbxCall } from './pbx-call.ts';
import type { AudioMessageRecordings, CallLeg } from './ports.ts';

/** How long the PBX waits for a key after the menu. */
export const MENU_WAIT_SECONDS = 10;
/** Menus in a row without a key before the PBX hangs up. */
export const SILENT_ROUNDS = 3;
/** A recording stops by itself after this long. */
export const MAX_RECORDING_SECONDS = 300;
/** Shorter than this is nothing said: nothing is kept. */
const MIN_RECORDING_MS = 500;
/**
 * Cut from before the moment `#` was heard: the key's tone (in-band detection needs ~40 ms of it,
 * and packets wait in the jitter of the network), so the message does not end on a beep.
 */
export const POUND_TONE_MS = 250;

/** What the menu reports as it goes, for the portal's dialog. */
export type MenuActivity =
  | { type: 'menu' }
  | { type: 'recording' }
  | { type: 'playing' }
  | { type: 'saved'; fileId: string; durationMs: number }
  | { type: 'nothing-recorded' }
  /** The recording could not be kept (e.g. the message was deleted from the draft meanwhile). */
  | { type: 'not-saved'; reason: string };

export interface RecordingMenuOptions {
  audioMessageId: string;
  recordings: AudioMessageRecordings;
  /** Who the draft edit is attributed to: the admin who asked for the call. */
  by: string;
  onActivity?: (activity: MenuActivity) => void;
}

export async function runRecordingMenu(call: AnsweredPbxCall, options: RecordingMenuOptions): Promise<void> {
  const { leg } = call;
  const report = options.onActivity ?? (() => {});
  const keys = new MenuKeys(leg);
  call.onEnded(() => keys.close());
  let silentRounds = 0;
  try {
    while (!call.ended) {
      report({ type: 'menu' });
      const key = await keys.ask(call, 'recording-menu');
      if (call.ended) return;
      if (key === null) {
        if (++silentRounds >= SILENT_ROUNDS) break;
        continue;
      }
      silentRounds = 0;
      if (key === '#') break;
      if (key === '1') {
        keys.pause();
        await record(call, options, report, () => keys.resume());
      } else if (key === '2') await listen(call, options, report);
      else await leg.play('invalid-key');
    }
    if (!call.ended) await leg.play('goodbye');
  } finally {
    keys.close();
  }
}

/**
 * The keys of the menu, heard for the whole call: a key answers the question being asked, or, while
 * the PBX speaks (a confirmation, the message played back), cuts it short and becomes the answer
 * to the next question. One key waits at most: a burst of keys is taken one question at a time.
 */
class MenuKeys {
  #waiting: ((key: string) => void) | null = null;
  #pending: string | null = null;
  #paused = false;
  readonly #stop: () => void;

  constructor(private readonly leg: CallLeg) {
    this.#stop = leg.onDigit((digit) => this.#press(digit), { inBand: true });
  }

  /** Plays the prompt and waits for a key, also while it plays; null after the wait with no key, or when the call ends. */
  ask(call: AnsweredPbxCall, prompt: 'recording-menu'): Promise<string | null> {
    const early = this.#pending;
    this.#pending = null;
    if (early !== null) return Promise.resolve(early);
    return new Promise((resolve) => {
      let cancelTimer = () => {};
      let settled = false;
      const finish = (key: string | null) => {
        if (settled) return;
        settled = true;
        this.#waiting = null;
        cancelTimer();
        resolve(key);
      };
      this.#waiting = finish;
      call.onEnded(() => finish(null));
      void this.leg.play(prompt).then(() => {
        if (!settled) cancelTimer = call.startTimer(() => finish(null), MENU_WAIT_SECONDS * 1000);
      });
    });
  }

  /** While recording, keys belong to the recording (# ends it). */
  pause(): void {
    this.#paused = true;
    this.#pending = null;
  }

  resume(): void {
    this.#paused = false;
  }

  close(): void {
    this.#stop();
  }

  #press(digit: string): void {
    if (this.#paused) return;
    if (this.#waiting) {
      this.leg.hear({ type: 'silence' });
      this.#waiting(digit);
    } else if (this.#pending === null) {
      this.#pending = digit;
      this.leg.hear({ type: 'silence' });
    }
  }
}

/** `stopped` runs once the recording has stopped: from then on, a key answers the menu again. */
async function record(call: AnsweredPbxCall, options: RecordingMenuOptions, report: (activity: MenuActivity) => void, stopped: () => void): Promise<void> {
  const { leg } = call;
  await leg.playItem({ type: 'beep' });
  if (call.ended) return stopped();
  const { recordings } = options;
  const { recordingId, path } = await recordings.begin();
  // Only # and the length end it: a pause while speaking is part of the message.
  const recording = await leg.record(path, { silenceSeconds: MAX_RECORDING_SECONDS });
  report({ type: 'recording' });
  let poundAtMs = 0;
  const cleanups: (() => void)[] = [];
  const ending = await new Promise<'pound' | 'max-length' | 'hangup'>((resolve) => {
    cleanups.push(
      leg.onDigit(
        (digit) => {
          if (digit !== '#') return;
          poundAtMs = recording.elapsedMs;
          resolve('pound');
        },
        { inBand: true },
      ),
    );
    cleanups.push(call.startTimer(() => resolve('max-length'), MAX_RECORDING_SECONDS * 1000));
    call.onEnded(() => resolve('hangup'));
  });
  for (const cleanup of cleanups) cleanup();
  const result = await recording.stop();
  stopped();
  const keepMs = ending === 'pound' ? Math.min(result.durationMs, Math.max(0, poundAtMs - POUND_TONE_MS)) : result.durationMs;
  if (keepMs < MIN_RECORDING_MS) {
    await recordings.discard(recordingId);
    report({ type: 'nothing-recorded' });
    if (!call.ended) await leg.play('nothing-recorded');
    return;
  }
  // Hanging up instead of pressing # still keeps what was said.
  try {
    const saved = await recordings.keep(recordingId, { audioMessageId: options.audioMessageId, keepMs, by: options.by });
    report({ type: 'saved', ...saved });
  } catch (error) {
    await recordings.discard(recordingId).catch(() => {});
    report({ type: 'not-saved', reason: error instanceof Error ? error.message : String(error) });
    if (!call.ended) await leg.play('nothing-recorded');
    return;
  }
  if (!call.ended) await leg.play('message-recorded');
}

async function listen(call: AnsweredPbxCall, options: RecordingMenuOptions, report: (activity: MenuActivity) => void): Promise<void> {
  const { leg } = call;
  report({ type: 'playing' });
  const current = options.recordings.current(options.audioMessageId);
  const played = current !== null && (await leg.playItem(current));
  if (!played && !call.ended) await leg.play('no-message-yet');
}
