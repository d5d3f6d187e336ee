// Audio messages in calls, with fake media: an incoming number's message before the call is
// answered (played whole, then the phones ring) and a voicemail box greeting from a message.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { PbxConfig } from '../../../data/schema.ts';
import { CallEngine } from '../../../server/calls/call-engine.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail } from '../../support/fake-calls.ts';

const OFFER = 'v=0 offer';
const MAIN_NUMBER = '+33100000101';

function setup(edit: (config: PbxConfig) => PbxConfig) {
  let config = sampleConfig();
  config = upsertEntity(config, 'audioMessages', { id: 'am-welcome', name: 'Welcome', source: 'text', voice: 'roa/fr', text: 'Bonjour', textLanguage: null, fileId: 'f1', durationMs: 2000 });
  config = edit(config);
  const media = new FakeMediaPlane();
  const phones = new PhoneRegistry();
  const voicemail = new MemoryVoicemail();
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history: new MemoryHistory(),
    voicemail,
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 3, perAddress: 2 },
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / 100);
      return () => clearTimeout(timer);
    },
  });
  const phone = (userId: string | null, extension: string | null) => {
    const endpoint = new FakePhone(userId, extension);
    phones.add(endpoint);
    return endpoint;
  };
  return { engine, media, voicemail, phone };
}

const withPreAnswer = (config: PbxConfig): PbxConfig => ({
  ...config,
  incomingNumbers: config.incomingNumbers.map((n) => (n.number === MAIN_NUMBER ? { ...n, preAnswerMessageId: 'am-welcome' } : n)),
});

const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), what);
};

const test = suite('audio messages in calls');

test('an incoming number plays its message whole before the phones ring, then ringback', async () => {
  const { engine, media, phone } = setup(withPreAnswer);
  media.audioMessagesWithAudio.add('am-welcome');
  const alice = phone('u101', '101');
  const caller = phone(null, null);
  await engine.dial(caller, { to: MAIN_NUMBER, offer: OFFER });
  const leg = media.legs[0]!;
  assert.equal(leg.heard, ['audio:am-welcome'], 'the message plays first');
  assert.is(alice.incomingCalls.length, 0, 'nothing rings while the message plays');
  await waitFor(() => alice.incomingCalls.length === 1, 'the phone rings after the message');
  assert.equal(leg.heard, ['audio:am-welcome', 'silence', 'ringback']);
});

test('a message without audio yet is skipped: the phones ring at once', async () => {
  const { engine, media, phone } = setup(withPreAnswer);
  const alice = phone('u101', '101');
  await engine.dial(phone(null, null), { to: MAIN_NUMBER, offer: OFFER });
  await waitFor(() => alice.incomingCalls.length === 1, 'the phone rings');
  assert.equal(media.legs[0]!.heard, ['ringback']);
});

test('the message plays before any destination, and not for an extension dialled directly', async () => {
  const { engine, media, phone } = setup((config) =>
    withPreAnswer({ ...config, incomingNumbers: config.incomingNumbers.map((n) => ({ ...n, destination: { type: 'hangup' } })) }),
  );
  media.audioMessagesWithAudio.add('am-welcome');
  const caller = phone(null, null);
  const { callId } = await engine.dial(caller, { to: MAIN_NUMBER, offer: OFFER });
  await waitFor(() => caller.lastUpdate()?.state === 'ended', 'the number hangs up after its message');
  assert.equal(media.legs[0]!.heard, ['audio:am-welcome', 'silence']);
  assert.equal(caller.lastUpdate(), { callId, state: 'ended', reason: 'unavailable' });

  const bob = phone('u102', '102');
  await engine.dial(phone('u101', '101'), { to: '102', offer: OFFER });
  await waitFor(() => bob.incomingCalls.length === 1, 'Bob rings');
  assert.equal(media.legs[1]!.heard, ['ringback']);
});

test('a box greets with its audio message, then the beep; without audio, the default greeting', async () => {
  const toBox = (config: PbxConfig): PbxConfig => ({
    ...config,
    incomingNumbers: config.incomingNumbers.map((n) => ({ ...n, destination: { type: 'voicemail', boxId: 'vm-u101' } })),
    voicemailBoxes: config.voicemailBoxes.map((b) => (b.id === 'vm-u101' ? { ...b, greeting: { type: 'audio', audioMessageId: 'am-welcome' } } : b)),
  });
  const greeted = setup(toBox);
  greeted.media.audioMessagesWithAudio.add('am-welcome');
  await greeted.engine.dial(greeted.phone(null, null), { to: MAIN_NUMBER, offer: OFFER });
  await waitFor(() => greeted.media.legs[0]!.recordings.length === 1, 'the recording started');
  assert.equal(greeted.media.legs[0]!.heard, ['audio:am-welcome', 'silence', 'beep', 'silence']);

  const silent = setup(toBox);
  await silent.engine.dial(silent.phone(null, null), { to: MAIN_NUMBER, offer: OFFER });
  await waitFor(() => silent.media.legs[0]!.recordings.length === 1, 'the recording started');
  assert.equal(silent.media.legs[0]!.heard, ['prompt:voicemail-greeting', 'silence', 'beep', 'silence']);
});

test.run();
