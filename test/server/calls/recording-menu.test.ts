// Recording an audio message by phone, with the call engine and fake media, phones and store: the
// PBX calls the chosen extension, and its menu (1 record, 2 listen, # goodbye, wrong keys, silence,
// bursts of keys) drives the recordings the store is asked to keep.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { PbxConfig } from '../../../data/schema.ts';
import { CallEngine } from '../../../server/calls/call-engine.ts';
import { MessageRecordingCalls, RecordingCallRefused } from '../../../server/calls/message-recording-calls.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import type { AudioMessageRecordings, Playable } from '../../../server/calls/ports.ts';
import { POUND_TONE_MS } from '../../../server/calls/recording-menu.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail, type FakeLeg } from '../../support/fake-calls.ts';

const OFFER = 'v=0 offer';
/** Timers run 100 times faster: the 10 s wait for a key takes 100 ms, 30 s of ringing 300 ms. */
const SPEED = 100;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The draft's audio, kept in memory: what the menu is asked to keep and discard. */
class MemoryRecordings implements AudioMessageRecordings {
  files = new Map<string, string>();
  begun: string[] = [];
  kept: { recordingId: string; audioMessageId: string; keepMs: number; by: string }[] = [];
  discarded: string[] = [];

  current(audioMessageId: string): Playable | null {
    const fileId = this.files.get(audioMessageId);
    return fileId ? { type: 'recording', path: `/audio/${fileId}.ogg` } : null;
  }
  async begin() {
    const recordingId = `rec-${this.begun.length + 1}`;
    this.begun.push(recordingId);
    return { recordingId, path: `/in-progress/${recordingId}.ogg` };
  }
  async keep(recordingId: string, target: { audioMessageId: string; keepMs: number; by: string }) {
    this.kept.push({ recordingId, ...target });
    const fileId = `file-${recordingId}`;
    this.files.set(target.audioMessageId, fileId);
    return { fileId, durationMs: target.keepMs };
  }
  async discard(recordingId: string) {
    this.discarded.push(recordingId);
  }
}

function setup() {
  let config: PbxConfig = sampleConfig();
  config = upsertEntity(config, 'audioMessages', { id: 'am-welcome', name: 'Welcome', source: 'none', voice: null, text: null, textLanguage: null, fileId: null, durationMs: null });
  const media = new FakeMediaPlane();
  const phones = new PhoneRegistry();
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history: new MemoryHistory(),
    voicemail: new MemoryVoicemail(),
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 3, perAddress: 2 },
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / SPEED);
      return () => clearTimeout(timer);
    },
  });
  const recordings = new MemoryRecordings();
  const calls = new MessageRecordingCalls({ engine, production: () => config, draft: () => config, recordings, logger: pino({ level: 'silent' }) });
  const phone = (userId: string, extension: string) => {
    const endpoint = new FakePhone(userId, extension);
    phones.add(endpoint);
    return endpoint;
  };
  /** Starts the call to Alice (101) and answers it on her phone; returns her leg. */
  const answered = async () => {
    const alice = phone('u101', '101');
    const status = await calls.start({ audioMessageId: 'am-welcome', extension: '101', by: 'admin' });
    await engine.answer(alice, { callId: status.callId, offer: OFFER });
    const leg = media.legs.at(-1)!;
    await waitUntil(() => leg.heard.includes('prompt:recording-menu'));
    return { alice, status, leg };
  };
  return { engine, media, calls, recordings, phone, answered, config: () => config };
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition}`);
    await pause(2);
  }
}

/** How many times the leg heard `label`. */
const count = (leg: FakeLeg, label: string) => leg.heard.filter((h) => h === label).length;
/** Waits until the menu has been played `times` times in all. */
const menuPlayed = (leg: FakeLeg, times: number) => waitUntil(() => count(leg, 'prompt:recording-menu') >= times);

const test = suite('recording an audio message by phone');

test('the extension rings with the PBX as the caller; answered, the menu plays', async () => {
  const { calls, phone, engine, media } = setup();
  const alice = phone('u101', '101');
  const status = await calls.start({ audioMessageId: 'am-welcome', extension: '101', by: 'admin' });
  assert.is(status.state, 'ringing');
  assert.equal(alice.incomingCalls, [{ callId: status.callId, from: { name: 'Switchboard — message Welcome', number: '' }, to: '101' }]);
  await engine.answer(alice, { callId: status.callId, offer: OFFER });
  await waitUntil(() => media.legs[0]!.heard.includes('prompt:recording-menu'));
  assert.is(calls.status(status.callId)?.state, 'menu');
  assert.is(alice.lastUpdate()?.state, 'connected');
  assert.equal(alice.lastUpdate()?.peer, { name: 'Switchboard — message Welcome', number: '' });
  try {
    engine.hold(alice, status.callId, true);
    assert.unreachable('a call from the PBX is not put on hold');
  } catch (error) {
    assert.match((error as Error).message, /cannot be put on hold/);
  }
});

test('1 records after a beep until #, without the # tone; 2 plays it back; # says goodbye and hangs up', async () => {
  const { answered, recordings, calls } = setup();
  const { leg, status, alice } = await answered();
  leg.pressDigit('1');
  await waitUntil(() => leg.recordings.length === 1);
  assert.ok(leg.heard.includes('beep'), 'a beep before recording');
  assert.is(calls.status(status.callId)?.state, 'recording');
  const recording = leg.recordings[0]!;
  assert.is(recording.path, '/in-progress/rec-1.ogg');
  recording.speak(4000);
  leg.pressDigit('3'); // other keys are part of the message
  leg.pressDigit('#');
  await waitUntil(() => leg.heard.includes('prompt:message-recorded'));
  assert.ok(recording.stopped);
  assert.equal(recordings.kept, [{ recordingId: 'rec-1', audioMessageId: 'am-welcome', keepMs: 4000 - POUND_TONE_MS, by: 'admin' }]);
  await menuPlayed(leg, 2);
  const saved = calls.status(status.callId)!;
  assert.equal(saved.saved, [{ fileId: 'file-rec-1', durationMs: 4000 - POUND_TONE_MS }]);
  assert.match(saved.text, /saved in the draft/);

  leg.pressDigit('2');
  await waitUntil(() => leg.heard.includes('recording:/audio/file-rec-1.ogg'));
  await menuPlayed(leg, 3);
  leg.pressDigit('#');
  await waitUntil(() => leg.closed);
  assert.is(leg.heard.filter((h) => h.startsWith('prompt:')).at(-1), 'prompt:goodbye');
  assert.equal(alice.lastUpdate(), { callId: status.callId, state: 'ended', reason: 'hangup' });
  await waitUntil(() => calls.status(status.callId)?.state === 'ended');
  const ended = calls.status(status.callId)!;
  assert.is(ended.end, 'finished');
  assert.match(ended.text, /Apply changes/);
});

test('2 with no audio yet says so, then the menu again', async () => {
  const { answered } = setup();
  const { leg } = await answered();
  leg.pressDigit('2');
  await waitUntil(() => leg.heard.includes('prompt:no-message-yet'));
  await menuPlayed(leg, 2);
  assert.not.ok(leg.closed);
});

test('a wrong key says so and repeats the menu', async () => {
  const { answered } = setup();
  const { leg } = await answered();
  leg.pressDigit('5');
  await waitUntil(() => leg.heard.includes('prompt:invalid-key'));
  await menuPlayed(leg, 2);
  leg.pressDigit('*');
  await waitUntil(() => count(leg, 'prompt:invalid-key') === 2);
  await menuPlayed(leg, 3);
  assert.not.ok(leg.closed);
});

test('no key for 10 s repeats the menu; after three silent rounds the PBX says goodbye and hangs up', async () => {
  const { answered, calls } = setup();
  const { leg, status, alice } = await answered();
  const started = Date.now();
  await waitUntil(() => leg.closed, 3000);
  const elapsed = Date.now() - started;
  assert.is(count(leg, 'prompt:recording-menu'), 3);
  assert.is(leg.heard.filter((h) => h.startsWith('prompt:')).at(-1), 'prompt:goodbye');
  // Three waits of 10 s (100 ms at this speed) after each menu.
  assert.ok(elapsed >= 3 * (10_000 / SPEED) - 20, `hung up after ${elapsed} ms`);
  assert.equal(alice.lastUpdate(), { callId: status.callId, state: 'ended', reason: 'hangup' });
  await waitUntil(() => calls.status(status.callId)?.end === 'finished');
});

test('a key resets the count of silent rounds', async () => {
  const { answered } = setup();
  const { leg } = await answered();
  await menuPlayed(leg, 2);
  leg.pressDigit('7');
  await waitUntil(() => leg.heard.includes('prompt:invalid-key'));
  await menuPlayed(leg, 4);
  assert.not.ok(leg.closed, 'four menus: two before the key, then two silent ones');
  await waitUntil(() => leg.closed, 3000);
  assert.is(count(leg, 'prompt:recording-menu'), 5);
});

test('a flood of keys is taken one question at a time: one wrong-key prompt, one recording, the menu still answers', async () => {
  const { answered, recordings } = setup();
  const { leg } = await answered();
  for (let i = 0; i < 200; i++) leg.pressDigit('0123456789*'[i % 11]!);
  // "0" answered the menu; "1" waited for the next question; the other 198 were dropped.
  await waitUntil(() => leg.heard.includes('prompt:invalid-key'));
  await waitUntil(() => leg.recordings.length === 1);
  assert.is(count(leg, 'prompt:invalid-key'), 1);
  assert.is(count(leg, 'beep'), 1);
  // While recording, keys are part of the message; only # ends it.
  for (const key of '1212121') leg.pressDigit(key);
  for (let i = 0; i < 100; i++) leg.pressDigit(String(i % 10));
  leg.recordings[0]!.speak(2000);
  for (let i = 0; i < 20; i++) leg.pressDigit('#');
  await waitUntil(() => leg.heard.includes('prompt:message-recorded'));
  await menuPlayed(leg, 2);
  assert.is(leg.recordings.length, 1, 'one recording');
  assert.is(recordings.kept.length, 1);
  assert.not.ok(leg.closed, 'the extra #s belonged to the recording: none ended the call');
  leg.pressDigit('#');
  await waitUntil(() => leg.closed);
});

test('a key pressed while the PBX confirms a recording is the next answer', async () => {
  const { answered } = setup();
  const { leg } = await answered();
  leg.pressDigit('1');
  await waitUntil(() => leg.recordings.length === 1);
  leg.recordings[0]!.speak(3000);
  leg.pressDigit('#');
  await waitUntil(() => leg.heard.includes('prompt:message-recorded'));
  leg.pressDigit('2');
  await waitUntil(() => leg.heard.includes('recording:/audio/file-rec-1.ogg'));
  assert.is(count(leg, 'prompt:recording-menu'), 1, 'no menu in between');
});

test('a key pressed while the PBX speaks cuts it short and is the next answer', async () => {
  const { answered, recordings } = setup();
  const { leg } = await answered();
  recordings.files.set('am-welcome', 'file-old');
  leg.pressDigit('2');
  await waitUntil(() => leg.heard.includes('recording:/audio/file-old.ogg'));
  // During the playback: # stops it and ends the call, without the menu in between.
  leg.pressDigit('#');
  await waitUntil(() => leg.closed);
  assert.is(count(leg, 'prompt:recording-menu'), 1);
  assert.is(leg.heard.filter((h) => h.startsWith('prompt:')).at(-1), 'prompt:goodbye');
});

test('# right after the beep keeps nothing; hanging up while recording keeps what was said', async () => {
  const { answered, recordings, calls, engine } = setup();
  const { leg, status, alice } = await answered();
  leg.pressDigit('1');
  await waitUntil(() => leg.recordings.length === 1);
  leg.recordings[0]!.speak(200);
  leg.pressDigit('#');
  await waitUntil(() => leg.heard.includes('prompt:nothing-recorded'));
  assert.equal(recordings.discarded, ['rec-1']);
  await menuPlayed(leg, 2);
  leg.pressDigit('1');
  await waitUntil(() => leg.recordings.length === 2);
  leg.recordings[1]!.speak(3000);
  // The admin hangs up on the phone instead of pressing #.
  engine.hangup(alice, status.callId);
  await waitUntil(() => recordings.kept.length === 1);
  assert.is(recordings.kept[0]!.keepMs, 3000, 'no # tone to cut');
  await waitUntil(() => calls.status(status.callId)?.state === 'ended');
  assert.is(calls.status(status.callId)!.end, 'hung-up');
  assert.not.ok(leg.heard.includes('prompt:message-recorded'), 'nothing is played to a phone that hung up');
});

test('no answer within 30 s, a declined call, and a cancelled one end with the reason for the dialog', async () => {
  const { calls, phone, engine } = setup();
  const alice = phone('u101', '101');
  const unanswered = await calls.start({ audioMessageId: 'am-welcome', extension: '101', by: 'admin' });
  await waitUntil(() => calls.status(unanswered.callId)?.state === 'ended', 2000);
  assert.is(calls.status(unanswered.callId)!.end, 'no-answer');
  assert.match(calls.status(unanswered.callId)!.text, /did not answer within 30 s/);
  assert.equal(alice.lastUpdate(), { callId: unanswered.callId, state: 'ended', reason: 'cancelled' });

  const declined = await calls.start({ audioMessageId: 'am-welcome', extension: '101', by: 'admin' });
  engine.reject(alice, declined.callId);
  await waitUntil(() => calls.status(declined.callId)?.state === 'ended');
  assert.is(calls.status(declined.callId)!.end, 'declined');

  const cancelled = await calls.start({ audioMessageId: 'am-welcome', extension: '101', by: 'admin' });
  assert.ok(calls.hangUp(cancelled.callId));
  await waitUntil(() => calls.status(cancelled.callId)?.state === 'ended');
  assert.is(calls.status(cancelled.callId)!.end, 'cancelled');
  assert.equal(alice.lastUpdate(), { callId: cancelled.callId, state: 'ended', reason: 'cancelled' });
  assert.is(engine.activeCalls, 0);
});

test('refusals: unknown message, unknown extension, nobody signed in, already on a call', async () => {
  const { calls, phone, engine } = setup();
  const refusal = async (request: { audioMessageId: string; extension: string }) => {
    try {
      await calls.start({ ...request, by: 'admin' });
    } catch (error) {
      assert.instance(error, RecordingCallRefused);
      return error as RecordingCallRefused;
    }
    throw new Error('not refused');
  };
  assert.is((await refusal({ audioMessageId: 'am-nope', extension: '101' })).reason, 'unknown-message');
  assert.is((await refusal({ audioMessageId: 'am-welcome', extension: '199' })).reason, 'unknown-extension');
  const notSignedIn = await refusal({ audioMessageId: 'am-welcome', extension: '101' });
  assert.is(notSignedIn.reason, 'not-signed-in');
  assert.match(notSignedIn.message, /Alice Martin \(101\) is not signed in/);
  // Alice talks to Bob: she is busy.
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const call = await engine.dial(alice, { to: '102', offer: OFFER });
  await pause(10);
  await engine.answer(bob, { callId: call.callId, offer: OFFER });
  assert.is((await refusal({ audioMessageId: 'am-welcome', extension: '101' })).reason, 'busy');
  assert.is(alice.incomingCalls.length, 0, 'nothing rang');
});

test.run();
