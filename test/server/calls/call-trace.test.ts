// The call trace with fake media: what the engine reports for a call that rings, goes to voicemail
// and ends; prompts played through the traced leg; keys once each; old traces forgotten.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CallEngine } from '../../../server/calls/call-engine.ts';
import { CallTraces, summarizeStep, tracedLeg, type CallTraceEvent } from '../../../server/calls/call-trace.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeLeg, FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail } from '../../support/fake-calls.ts';

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
const test = suite('call trace');

function setup() {
  const config = sampleConfig();
  const media = new FakeMediaPlane();
  const phones = new PhoneRegistry();
  const voicemail = new MemoryVoicemail();
  const traces = new CallTraces();
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history: new MemoryHistory(),
    voicemail,
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 3, perAddress: 2 },
    trace: traces,
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / 100);
      return () => clearTimeout(timer);
    },
  });
  return { engine, media, phones, voicemail, traces };
}

test('a call that rings unanswered and leaves a voicemail: every step, prompt and the message, in order', async () => {
  const { engine, media, phones, voicemail, traces } = setup();
  const caller = new FakePhone(null, null);
  const alice = new FakePhone('u101', '101');
  phones.add(alice);
  const { callId } = await engine.dial(caller, { to: '+33100000101', offer: 'v=0 offer' });
  await settle(300); // 20 s of ringing at 100x
  const recording = media.legs[0]!.recordings[0]!;
  recording.speak(4000);
  media.legs[0]!.pressDigit('#');
  await settle();
  const trace = traces.get(callId)!;
  assert.ok(trace.endedAt, 'ended');
  const kinds = trace.events.map((e) => (e.type === 'play' ? `play:${(e.item as { name?: string }).name ?? e.item.type}` : e.type));
  assert.equal(kinds.filter((k) => !k.startsWith('play-ended')), [
    'dialled',
    'step',
    'ringing',
    'ring-ended',
    'step',
    'play:voicemail-greeting',
    'play:beep',
    'digit',
    'voicemail-message',
    'play:message-saved',
    'ended',
  ]);
  const byType = <T extends CallTraceEvent['type']>(type: T) => trace.events.filter((e) => e.type === type) as unknown as Extract<CallTraceEvent, { type: T }>[];
  assert.equal(byType('step').map((e) => e.step), [{ type: 'ring', userId: 'u101', seconds: 20 }, { type: 'voicemail', boxId: 'vm-u101' }]);
  assert.equal(byType('ring-ended').map((e) => e.outcome), ['no-answer']);
  const message = byType('voicemail-message')[0]!;
  assert.equal({ ...message, at: 0, ms: 0 }, { type: 'voicemail-message', boxId: 'vm-u101', messageId: voicemail.messages[0]!.id, durationMs: 4000, kept: true, ending: 'pound', at: 0, ms: 0 });
  assert.equal(byType('digit').map((e) => e.digit), ['#']);
  assert.equal(byType('play-ended').map((e) => e.cut), [false, false, false], 'each played to its end');
  assert.equal(byType('ended')[0]!.reason, 'hangup');
  assert.ok(trace.events.every((e, i) => i === 0 || e.ms >= trace.events[i - 1]!.ms), 'times grow');
});

test('an answered call: who answered', async () => {
  const { engine, phones, traces } = setup();
  const caller = new FakePhone(null, null);
  const bob = new FakePhone('u102', '102');
  phones.add(caller);
  phones.add(bob);
  // The sample config's main number rings u101; dial Bob's extension from Alice instead.
  const alice = new FakePhone('u101', '101');
  phones.add(alice);
  const { callId } = await engine.dial(alice, { to: '102', offer: 'v=0 offer' });
  await settle();
  await engine.answer(bob, { callId, offer: 'v=0 offer' });
  engine.hangup(alice, callId);
  const events = traces.get(callId)!.events;
  assert.ok(events.some((e) => e.type === 'answered' && e.userId === 'u102'));
  assert.ok(events.some((e) => e.type === 'ring-ended' && e.outcome === 'answered'));
  assert.equal(events.at(-1)!.type, 'ended');
});

test('the traced leg stays the media plane\'s leg for everything it does not report', async () => {
  const leg = new FakeLeg('leg-9');
  const events: CallTraceEvent[] = [];
  const traced = tracedLeg(leg, (event) => events.push(event));
  assert.is(traced.id, 'leg-9');
  traced.hear({ type: 'ringback' });
  assert.is(leg.hearing, 'ringback');
  await traced.play('busy');
  await traced.playItem({ type: 'recording', path: '/secret/path.ogg' });
  assert.equal(events.map((e) => e.type), ['play', 'play-ended', 'play', 'play-ended']);
  assert.equal((events[2] as { item: unknown }).item, { type: 'recording' }, 'no file path in a trace');
  const keys: string[] = [];
  traced.onDigit((d) => keys.push(d));
  traced.onDigit((d) => keys.push(d));
  leg.pressDigit('5');
  assert.equal(keys, ['5', '5'], 'every listener hears the key');
  assert.is(events.filter((e) => e.type === 'digit').length, 1, 'one press, traced once');
});

test('a prompt cut by a hang-up is traced as cut', async () => {
  const leg = new FakeLeg('leg-1');
  const events: CallTraceEvent[] = [];
  const traced = tracedLeg(leg, (event) => events.push(event));
  const playing = traced.play('voicemail-greeting');
  traced.close();
  await playing;
  assert.equal(events.at(-1), { type: 'play-ended', item: { type: 'prompt', name: 'voicemail-greeting' }, played: true, cut: true });
});

test('steps are summarised without their branches; ended traces beyond the limit are forgotten', () => {
  assert.equal(summarizeStep({ type: 'ring', userId: 'u1', seconds: 20, onBusy: [{ type: 'hangup' }] } as { type: string }), { type: 'ring', userId: 'u1', seconds: 20 });
  const traces = new CallTraces({ keepEnded: 2 });
  for (const id of ['c-1', 'c-2', 'c-3'] as const) {
    traces.begin(id, new Date());
    traces.record(id, { type: 'ended', by: 'pbx', reason: 'hangup' });
  }
  traces.begin('c-4', new Date());
  assert.is(traces.get('c-1'), undefined);
  assert.ok(traces.get('c-2') && traces.get('c-3') && traces.get('c-4'));
  assert.is(traces.get('c-4')!.endedAt, null);
});

test('times follow the PBX\'s clock (a test clock may be anywhere); ms count real time', () => {
  let real = Date.parse('2026-11-25T04:00:00.000Z');
  const traces = new CallTraces({ now: () => new Date(real) });
  traces.begin('c-1', new Date('2026-12-25T09:00:00.000Z'));
  real += 1500;
  traces.record('c-1', { type: 'opening-hours', openingHoursId: 'oh-1', open: false });
  const [event] = traces.get('c-1')!.events;
  assert.is(event!.ms, 1500);
  assert.is(event!.at, '2026-12-25T09:00:01.500Z');
});

test('an event after the end (a message saved once its caller hung up) is still traced, at a real time', () => {
  let now = Date.parse('2026-11-25T10:00:00.000Z');
  const traces = new CallTraces({ now: () => new Date(now) });
  traces.begin('c-after', new Date(now));
  now += 3000;
  traces.record('c-after', { type: 'ended', by: 'caller', reason: 'hangup' });
  now += 500;
  traces.record('c-after', { type: 'voicemail-message', boxId: 'vm-1', messageId: 'm1', durationMs: 2900, kept: true, ending: 'hangup' });
  const trace = traces.get('c-after')!;
  assert.equal(trace.events.map((e) => [e.type, e.at]), [
    ['ended', '2026-11-25T10:00:03.000Z'],
    ['voicemail-message', '2026-11-25T10:00:03.500Z'],
  ]);
});

test.run();
