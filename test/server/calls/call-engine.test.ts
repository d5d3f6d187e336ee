// The call engine with fake media, phones and history: routing, ringing, answer races, hold,
// hang-ups from every side, and what the history keeps.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultForwardings } from '../../../data/default-config.ts';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { PbxConfig } from '../../../data/schema.ts';
import { CallEngine, CallRefused } from '../../../server/calls/call-engine.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail } from '../../support/fake-calls.ts';

const OFFER = 'v=0 offer';
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

function setup(edit: (config: PbxConfig) => PbxConfig = (c) => c) {
  let config = sampleConfig();
  config = upsertEntity(config, 'users', { id: 'u103', name: 'Carol', email: 'c@example.com', extension: '103', passwordHash: 'h', voicemail: false, forwardings: defaultForwardings() });
  config = upsertEntity(config, 'incomingNumbers', { id: 'n-vm', number: '+33100000199', label: 'Voicemail line', destination: { type: 'voicemail', boxId: 'vm-u101' }, preAnswerMessageId: null, whileRinging: { type: 'ringback' }, smsCompatible: false, smsEmail: '' });
  config = edit(config);
  const media = new FakeMediaPlane();
  const phones = new PhoneRegistry();
  const history = new MemoryHistory();
  const voicemail = new MemoryVoicemail();
  /** Ring timers run 100 times faster: 30 s of ringing take 300 ms. */
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history,
    voicemail,
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 3, perAddress: 2 },
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / 100);
      return () => clearTimeout(timer);
    },
  });
  const phone = (userId: string | null, extension: string | null, address?: string) => {
    const endpoint = new FakePhone(userId, extension, address);
    phones.add(endpoint);
    return endpoint;
  };
  return { engine, media, history, voicemail, phone };
}

const calls = suite('call engine');

calls('an extension rings every phone of the user; the first answer wins and the call is bridged', async () => {
  const { engine, media, history, phone } = setup();
  const alice = phone('u101', '101');
  const bobDesk = phone('u102', '102');
  const bobLaptop = phone('u102', '102');
  const { callId, answer } = await engine.dial(alice, { to: '102', offer: OFFER });
  assert.is(answer, 'answer-to:v=0 offer');
  await settle();
  assert.equal(bobDesk.incomingCalls, [{ callId, from: { name: 'Alice Martin', number: '101' }, to: '102' }]);
  assert.is(bobLaptop.incomingCalls.length, 1);
  assert.is(media.legs[0]!.hearing, 'ringback');
  assert.equal(alice.lastUpdate(), { callId, state: 'ringing', peer: { name: 'Bob Durand', number: '102' } });

  await engine.answer(bobLaptop, { callId, offer: OFFER });
  try {
    await engine.answer(bobDesk, { callId, offer: OFFER });
    assert.unreachable('a second answer must lose');
  } catch (error) {
    assert.instance(error, CallRefused);
  }
  assert.equal(bobDesk.lastUpdate(), { callId, state: 'ended', reason: 'answered-elsewhere' });
  assert.is(media.legs[0]!.hearing, 'party:leg-2');
  assert.is(media.legs[1]!.hearing, 'party:leg-1');
  assert.is(alice.lastUpdate()?.state, 'connected');
  assert.equal(bobLaptop.lastUpdate()?.peer, { name: 'Alice Martin', number: '101' });

  media.legs[0]!.pressDigit('1');
  media.legs[0]!.pressDigit('#');
  media.legs[1]!.pressDigit('5');
  assert.is(media.legs[1]!.sentDigits, '1#', "the caller's keys reach the callee");
  assert.is(media.legs[0]!.sentDigits, '5');

  engine.hangup(alice, callId);
  assert.equal(alice.lastUpdate(), { callId, state: 'ended', reason: 'hangup' });
  assert.equal(bobLaptop.lastUpdate(), { callId, state: 'ended', reason: 'remote-hangup' });
  assert.ok(media.legs.every((leg) => leg.closed));
  assert.is(engine.activeCalls, 0);
  await settle();
  assert.is(history.records.length, 1);
  assert.is(history.records[0]!.answeredByUserId, 'u102');
  assert.equal(history.records[0]!.rangUserIds, ['u102']);
  assert.ok(alice.historyChanges > 0 && bobDesk.historyChanges > 0);
});

calls('an incoming number with waiting music: its caller hears that music, not ringback, while the phones ring', async () => {
  const { engine, media, phone } = setup((config) => ({
    ...config,
    incomingNumbers: config.incomingNumbers.map((n) => ({ ...n, whileRinging: { type: 'music-on-hold' as const, repeatedMessageId: null, repeatAfterSeconds: 20 } })),
  }));
  phone('u101', '101');
  const caller = phone(null, null);
  const number = sampleConfig().incomingNumbers.find((n) => n.destination.type === 'user')!;
  await engine.dial(caller, { to: number.number, offer: OFFER });
  await settle();
  assert.is(media.legs[0]!.hearing, 'waiting-music');
});

calls('an unknown number hears a prompt, then the PBX hangs up; nothing rings', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const { callId } = await engine.dial(alice, { to: '999', offer: OFFER });
  await settle();
  assert.equal(media.legs[0]!.heard, ['prompt:not-in-service', 'silence']);
  assert.equal(alice.lastUpdate(), { callId, state: 'ended', reason: 'not-in-service' });
  assert.is(bob.incomingCalls.length, 0);
  assert.ok(media.legs[0]!.closed);
});

calls('a user already on a call is busy: the caller hears the busy prompt', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const carol = phone('u103', '103');
  const first = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId: first.callId, offer: OFFER });
  const second = await engine.dial(carol, { to: '102', offer: OFFER });
  await settle();
  assert.equal(media.legs[2]!.heard, ['prompt:busy', 'silence']);
  assert.equal(carol.lastUpdate(), { callId: second.callId, state: 'ended', reason: 'busy' });
  assert.is(bob.incomingCalls.length, 1, 'the busy phone did not ring again');
});

/** Bob without forwarding on no answer: nobody answering means "not available". */
const bobWithoutForwarding = (config: PbxConfig): PbxConfig => {
  const bob = config.users.find((u) => u.id === 'u102')!;
  return upsertEntity(config, 'users', { ...bob, forwardings: { ...bob.forwardings, noAnswer: { ...bob.forwardings.noAnswer, enabled: false } } });
};

calls('no answer: the phones stop ringing, the caller hears "not available", the call is a missed one', async () => {
  const { engine, media, history, phone } = setup(bobWithoutForwarding);
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const { callId } = await engine.dial(alice, { to: '102', offer: OFFER });
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(bob.lastUpdate(), { callId, state: 'ended', reason: 'cancelled' });
  assert.ok(media.legs[0]!.heard.includes('prompt:not-available'));
  assert.equal(alice.lastUpdate(), { callId, state: 'ended', reason: 'no-answer' });
  assert.is(history.records[0]!.answeredByUserId, null);
  assert.equal(history.records[0]!.rangUserIds, ['u102']);
});

calls('the caller hangs up while it rings: the phones stop, the call is missed', async () => {
  const { engine, history, phone } = setup();
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const { callId } = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  engine.hangup(alice, callId);
  assert.equal(bob.lastUpdate(), { callId, state: 'ended', reason: 'cancelled' });
  await settle();
  assert.is(history.records[0]!.endReason, 'hangup');
  assert.is(history.records[0]!.answeredByUserId, null);
  try {
    await engine.answer(bob, { callId, offer: OFFER });
    assert.unreachable('a cancelled call cannot be answered');
  } catch (error) {
    assert.instance(error, CallRefused);
  }
});

calls('rejecting on one phone stops every phone and the caller hears busy', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const bobDesk = phone('u102', '102');
  const bobLaptop = phone('u102', '102');
  const { callId } = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  engine.reject(bobDesk, callId);
  await settle();
  assert.equal(bobDesk.lastUpdate(), { callId, state: 'ended', reason: 'rejected' });
  assert.equal(bobLaptop.lastUpdate(), { callId, state: 'ended', reason: 'cancelled' });
  assert.ok(media.legs[0]!.heard.includes('prompt:busy'));
  assert.is(alice.lastUpdate()?.reason, 'busy');
});

calls('hold: the other side hears music on hold, the holder silence; resume reconnects', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const { callId } = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId, offer: OFFER });
  engine.hold(bob, callId, true);
  assert.is(media.legs[0]!.hearing, 'music-on-hold');
  assert.is(media.legs[1]!.hearing, 'silence');
  assert.equal(alice.lastUpdate(), { callId, state: 'held', heldBy: 'them', peer: { name: 'Bob Durand', number: '102' } });
  assert.is(bob.lastUpdate()?.heldBy, 'you');
  engine.hold(bob, callId, false);
  assert.is(media.legs[0]!.hearing, 'party:leg-2');
  assert.is(media.legs[1]!.hearing, 'party:leg-1');
  assert.is(alice.lastUpdate()?.state, 'connected');
  assert.throws(() => engine.hold(phone('u103', '103'), callId, true), (e: unknown) => e instanceof CallRefused);
});

calls('a vanished phone or a lost media path ends the call for the other side', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const first = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId: first.callId, offer: OFFER });
  engine.endpointGone(bob);
  assert.equal(alice.lastUpdate(), { callId: first.callId, state: 'ended', reason: 'connection-lost' });

  const second = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId: second.callId, offer: OFFER });
  media.legs[2]!.loseConnection();
  assert.equal(bob.lastUpdate(), { callId: second.callId, state: 'ended', reason: 'connection-lost' });
  assert.is(engine.activeCalls, 0);

  // A browser that closes its connection on purpose (it hung up, its message still on the way) hangs up.
  const third = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId: third.callId, offer: OFFER });
  media.legs[4]!.loseConnection('remote-closed');
  assert.equal(bob.lastUpdate(), { callId: third.callId, state: 'ended', reason: 'remote-hangup' });
  assert.equal(alice.lastUpdate(), { callId: third.callId, state: 'ended', reason: 'hangup' });
});

calls('the public caller page reaches incoming numbers only, within its limits', async () => {
  const { engine, media, phone } = setup();
  const alice = phone('u101', '101');
  const web = phone(null, null, '10.0.0.1');
  try {
    await engine.dial(web, { to: '101', offer: OFFER });
    assert.unreachable('an extension must be refused');
  } catch (error) {
    assert.instance(error, CallRefused);
    assert.match((error as Error).message, /only dial incoming numbers/);
  }
  assert.is(media.legs.length, 0, 'no media was set up for a refused call');
  const { callId } = await engine.dial(web, { to: '+33100000101', offer: OFFER });
  await settle();
  assert.equal(alice.incomingCalls[0], { callId, from: { name: 'Web caller', number: 'web' }, to: '+33100000101' });
  await engine.dial(web, { to: '+33100000199', offer: OFFER });
  try {
    await engine.dial(web, { to: '+33100000199', offer: OFFER });
    assert.unreachable('a third call from one address must be refused');
  } catch (error) {
    assert.match((error as Error).message, /your address/);
  }
  await engine.dial(phone(null, null, '10.0.0.2'), { to: '+33100000199', offer: OFFER });
  try {
    await engine.dial(phone(null, null, '10.0.0.3'), { to: '+33100000199', offer: OFFER });
    assert.unreachable('the total limit must hold');
  } catch (error) {
    assert.match((error as Error).message, /Too many calls/);
  }
});

calls('a user with no phone logged in and no forwarding is not available', async () => {
  const { engine, media, phone } = setup(bobWithoutForwarding);
  const carol = phone('u103', '103');
  await engine.dial(carol, { to: '102', offer: OFFER });
  await settle();
  assert.equal(media.legs[0]!.heard, ['prompt:not-available', 'silence']);
});

const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), what);
};

const voicemail = suite('voicemail step');

voicemail('a number routed to a box: greeting, beep, record until the caller hangs up, message kept', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  const { callId } = await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  const leg = () => media.legs[0]!;
  await waitFor(() => leg().recordings.length === 1, 'the recording started');
  assert.equal(leg().heard, ['prompt:voicemail-greeting', 'silence', 'beep', 'silence']);
  assert.equal(carol.updates[0], { callId, state: 'connected', peer: { name: 'Voicemail of Alice Martin', number: '+33100000199' } });
  leg().recordings[0]!.speak(4000);
  engine.hangup(carol, callId);
  await waitFor(() => voicemail.messages[0]?.status === 'new', 'the message was committed');
  assert.is(voicemail.messages[0]!.boxId, 'vm-u101');
  assert.is(voicemail.messages[0]!.durationMs, 4000);
  assert.equal(voicemail.messages[0]!.details.callerNumber, '103');
  assert.ok(leg().recordings[0]!.stopped);
});

voicemail('# ends the message and the PBX says it was saved', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  const { callId } = await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  await waitFor(() => media.legs[0]!.recordings.length === 1, 'the recording started');
  media.legs[0]!.recordings[0]!.speak(3000);
  media.legs[0]!.pressDigit('#');
  await waitFor(() => carol.lastUpdate()?.state === 'ended', 'the PBX hung up');
  assert.ok(media.legs[0]!.heard.includes('prompt:message-saved'));
  assert.is(voicemail.messages[0]!.status, 'new');
  assert.is(voicemail.messages[0]!.durationMs, 3000);
  assert.equal(carol.lastUpdate(), { callId, state: 'ended', reason: 'hangup' });
});

voicemail('# pressed as sound ends the message, and its tone is not kept', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  const { callId } = await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  await waitFor(() => media.legs[0]!.recordings.length === 1, 'the recording started');
  const recording = media.legs[0]!.recordings[0]!;
  recording.speak(3000);
  // The tone sounded 150 ms, what the recording reports as the key's tone at its end.
  recording.speak(150);
  recording.keyToneMs = 150;
  media.legs[0]!.pressDigit('#');
  await waitFor(() => voicemail.messages[0]?.status === 'new', 'the message was committed');
  assert.is(voicemail.messages[0]!.durationMs, 3000, 'the tone trimmed');
  await waitFor(() => carol.lastUpdate()?.state === 'ended', 'the PBX hung up');
  assert.equal(carol.lastUpdate(), { callId, state: 'ended', reason: 'hangup' });
});

voicemail('silence ends the message; the trailing silence is trimmed; too short is discarded', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  await waitFor(() => media.legs[0]!.recordings.length === 1, 'the recording started');
  media.legs[0]!.recordings[0]!.speak(5000);
  media.legs[0]!.recordings[0]!.goQuiet();
  await waitFor(() => voicemail.messages[0]?.status === 'new', 'the message was committed');
  assert.is(voicemail.messages[0]!.durationMs, 5000, '10 s of silence trimmed');

  await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  await waitFor(() => media.legs[1]?.recordings.length === 1, 'the second recording started');
  media.legs[1]!.recordings[0]!.speak(1000);
  media.legs[1]!.recordings[0]!.goQuiet();
  await waitFor(() => voicemail.messages[1]?.status === 'discarded', 'the short message was discarded');
  assert.ok(media.legs[1]!.heard.includes('prompt:goodbye'));
});

voicemail('the max length stops the recording with a prompt; a full box does not record', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  // 180 s at the test's 100x clock: 1.8 s.
  await waitFor(() => media.legs[0]!.recordings.length === 1, 'the recording started');
  media.legs[0]!.recordings[0]!.speak(180_000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.ok(media.legs[0]!.heard.includes('prompt:message-too-long'));
  assert.is(voicemail.messages[0]!.status, 'new');

  voicemail.fullBoxes.add('vm-u101');
  const { callId } = await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  await waitFor(() => carol.lastUpdate()?.state === 'ended', 'the call ended');
  assert.equal(media.legs[1]!.heard, ['prompt:mailbox-full', 'silence']);
  assert.equal(carol.lastUpdate(), { callId, state: 'ended', reason: 'unavailable' });
  assert.is(voicemail.messages.length, 1);
});

voicemail('forwarding on no answer: the chain rings the next user, then the caller reaches the first user box', async () => {
  const { engine, media, voicemail, phone } = setup((config) => {
    const alice = config.users[0]!;
    return upsertEntity(config, 'users', {
      ...alice,
      forwardings: { ...alice.forwardings, noAnswer: { enabled: true, afterSeconds: 5, targets: [{ type: 'user', userId: 'u102' }], voicemailLastResort: true } },
    });
  });
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const carol = phone('u103', '103');
  await engine.dial(carol, { to: '101', offer: OFFER });
  await waitFor(() => alice.incomingCalls.length === 1, 'Alice rings');
  assert.is(bob.incomingCalls.length, 0, 'Bob waits his turn');
  await waitFor(() => bob.incomingCalls.length === 1, 'then Bob rings');
  assert.is(alice.lastUpdate()?.reason, 'cancelled');
  await waitFor(() => media.legs[0]!.recordings.length === 1, "then Alice's box records");
  media.legs[0]!.recordings[0]!.speak(3000);
  media.legs[0]!.pressDigit('#');
  await waitFor(() => voicemail.messages[0]?.status === 'new', 'the message was committed');
  assert.is(voicemail.messages[0]!.boxId, 'vm-u101');
});

voicemail('forwarding on busy goes to voicemail as a last resort', async () => {
  const { engine, media, voicemail, phone } = setup((config) => {
    const bob = config.users[1]!;
    return upsertEntity(config, 'users', { ...bob, forwardings: { ...bob.forwardings, busy: { enabled: true, targets: [], voicemailLastResort: true } } });
  });
  const alice = phone('u101', '101');
  const bob = phone('u102', '102');
  const carol = phone('u103', '103');
  const first = await engine.dial(alice, { to: '102', offer: OFFER });
  await settle();
  await engine.answer(bob, { callId: first.callId, offer: OFFER });
  await engine.dial(carol, { to: '102', offer: OFFER });
  await waitFor(() => media.legs[2]?.recordings.length === 1, "Bob's box records Carol");
  media.legs[2]!.recordings[0]!.speak(2500);
  media.legs[2]!.pressDigit('#');
  await waitFor(() => voicemail.messages[0]?.status === 'new', 'the message was committed');
  assert.is(voicemail.messages[0]!.boxId, 'vm-u102');
});

voicemail('the caller hangs up during the greeting: nothing is recorded, the place reserved is given back', async () => {
  const { engine, media, voicemail, phone } = setup();
  const carol = phone('u103', '103');
  const { callId } = await engine.dial(carol, { to: '+33100000199', offer: OFFER });
  engine.hangup(carol, callId);
  await settle();
  assert.is(media.legs[0]!.recordings.length, 0);
  assert.equal(voicemail.messages.map((m) => m.status), ['discarded']);
});

voicemail('*97 plays the new messages: 1 repeats, 7 deletes, 9 keeps as heard and goes on', async () => {
  const { engine, media, voicemail, phone } = setup();
  const details = (callerNumber: string) => ({ callerName: 'Web caller', callerNumber, dialled: '+33100000101', startedAt: new Date().toISOString() });
  for (const caller of ['0611', '0622', '0633']) {
    const { messageId } = await voicemail.begin('vm-u101', details(caller));
    await voicemail.commit(messageId, 4000);
  }
  const alice = phone('u101', '101');
  const { callId } = await engine.dial(alice, { to: '*97', offer: OFFER });
  const leg = () => media.legs[0]!;
  const heardCount = (label: string) => leg().heard.filter((h) => h === label).length;
  await waitFor(() => heardCount('prompt:message-options') === 1, 'the first message was played');
  assert.ok(leg().heard.includes('spoken:new-messages:3'));
  assert.ok(leg().heard.includes('spoken:message-from:1:0611'));
  leg().pressDigit('1');
  await waitFor(() => heardCount('prompt:message-options') === 2, 'the first message was repeated');
  assert.is(heardCount('recording:/voicemail/msg-1.ogg'), 2);
  leg().pressDigit('7');
  await waitFor(() => heardCount('prompt:message-options') === 3, 'the second message was played');
  assert.is(voicemail.messages[0]!.status, 'deleted');
  assert.ok(leg().heard.includes('prompt:message-deleted'));
  leg().pressDigit('4');
  leg().pressDigit('9');
  await waitFor(() => heardCount('prompt:message-options') === 4, 'the third message was played');
  assert.is(voicemail.messages[1]!.status, 'heard');
  leg().pressDigit('9');
  await waitFor(() => alice.lastUpdate()?.state === 'ended', 'the PBX said goodbye and hung up');
  assert.ok(leg().heard.includes('prompt:no-more-messages'));
  assert.equal(voicemail.messages.map((m) => m.status), ['deleted', 'heard', 'heard']);
  assert.equal(alice.lastUpdate(), { callId, state: 'ended', reason: 'hangup' });
});

voicemail('*97 with no new message says so; the public caller page cannot use it', async () => {
  const { engine, media, phone } = setup();
  const bob = phone('u102', '102');
  await engine.dial(bob, { to: '*97', offer: OFFER });
  await waitFor(() => bob.lastUpdate()?.state === 'ended', 'the call ended');
  assert.equal(media.legs[0]!.heard, ['prompt:no-new-messages', 'silence']);
  const web = phone(null, null, '10.0.0.9');
  await engine.dial(web, { to: '*97', offer: OFFER });
  await waitFor(() => web.lastUpdate()?.state === 'ended', 'the call ended');
  assert.equal(media.legs[1]!.heard, ['prompt:not-in-service', 'silence']);
});

voicemail.run();

calls.run();
