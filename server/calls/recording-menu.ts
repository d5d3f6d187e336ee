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
  let silentRounds = 0;
  while (!call.ended) {
    report({ type: 'menu' });
    const key = await askForAnyKey(call, leg);
    if (call.ended) return;
    if (key === null) {
      if (++silentRounds >= SILENT_ROUNDS) break;
      continue;
    }
    silentRounds = 0;
    if (key === '#') break;
    if (key === '1') await record(call, options, report);
    else if (key === '2') await listen(call, options, report);
    else await leg.play('invalid-key');
  }
  if (!call.ended) await leg.play('goodbye');
}

/**
 * Plays the menu and waits for a key, also while it plays (a key stops it). Keys pressed after the
 * first are ignored until the next question, so a burst of keys is taken one question at a time.
 */
function askForAnyKey(call: AnsweredPbxCall, leg: CallLeg): Promise<string | null> {
  return new Promise((resolve) => {
    let cancelTimer = () => {};
    let settled = false;
    const finish = (key: string | null) => {
      if (settled) return;
      settled = true;
      stopListening();
      cancelTimer();
      resolve(key);
    };
    const stopListening = leg.onDigit(
      (digit) => {
        leg.hear({ type: 'silence' });
        finish(digit);
      },
      { inBand: true },
    );
    call.onEnded(() => finish(null));
    void leg.play('recording-menu').then(() => {
      if (!settled) cancelTimer = call.startTimer(() => finish(null), MENU_WAIT_SECONDS * 1000);
    });
  });
}

async function record(call: AnsweredPbxCall, options: RecordingMenuOptions, report: (activity: MenuActivity) => void): Promise<void> {
  const { leg } = call;
  await leg.playItem({ type: 'beep' });
  if (call.ended) return;
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
