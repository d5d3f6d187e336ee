// IVR menus, opening hours and hang-up destinations run by the call engine, with fake media, phones
// and a clock the test sets: every key, invalid keys, timeouts, the fallback, nested menus, the
// branch the clock picks, a hang-up after a message.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertEntity } from '../../../data/draft-edits.ts';
import { IvrMenu, MENU_KEYS, type Destination, type OpeningHours, type PbxConfig } from '../../../data/schema.ts';
import { CallEngine } from '../../../server/calls/call-engine.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import { planDestination } from '../../../server/calls/flow.ts';
import { SettableClock } from '../../../server/clock.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail } from '../../support/fake-calls.ts';

const OFFER = 'v=0 offer';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Timers run 100 times faster: a 5 s menu timeout takes 50 ms. */
const SPEED = 100;

const menu = (id: string, fields: Partial<IvrMenu> = {}): IvrMenu => IvrMenu.parse({ id, name: `Menu ${id}`, ...fields });
const key = (k: string, destination: Destination) => ({ key: k as IvrMenu['choices'][number]['key'], destination });
const toAlice: Destination = { type: 'user', userId: 'u101' };
const toBob: Destination = { type: 'user', userId: 'u102' };
const toAliceBox: Destination = { type: 'voicemail', boxId: 'vm-u101' };

/** `withAudio`: the audio messages that have audio (the others play nothing). */
function setup(edit: (config: PbxConfig) => PbxConfig, withAudio: string[] = []) {
  let config = sampleConfig();
  config = upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, destination: { type: 'ivr', menuId: 'main' } });
  config = edit(config);
  const media = new FakeMediaPlane();
  const answer = media.answer.bind(media);
  media.answer = async (offer) => {
    const answered = await answer(offer);
    for (const id of withAudio) answered.leg.audioMessagesWithAudio.add(id);
    return answered;
  };
  const phones = new PhoneRegistry();
  const clock = new SettableClock();
  const voicemail = new MemoryVoicemail();
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history: new MemoryHistory(),
    voicemail,
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 10, perAddress: 10 },
    clock,
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / SPEED);
      return () => clearTimeout(timer);
    },
  });
  const phone = (userId: string | null, extension: string | null) => {
    const endpoint = new FakePhone(userId, extension);
    phones.add(endpoint);
    return endpoint;
  };
  const caller = phone(null, null);
  const call = async () => {
    const { callId } = await engine.dial(caller, { to: '+33100000101', offer: OFFER });
    return { callId, leg: media.legs.at(-1)! };
  };
  return { engine, media, voicemail, phone, caller, call, clock };
}

/** Waits until the leg has heard `label` `times` times. */
async function heard(leg: { heard: string[] }, label: string, times = 1, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (leg.heard.filter((h) => h === label).length < times) {
    if (Date.now() > deadline) throw new Error(`never heard ${label} ${times}×; heard ${leg.heard.join(', ')}`);
    await sleep(5);
  }
}

const test = suite('IVR menus and opening hours in the call engine');

test('every key 0-9, * and # leads to its own destination', async () => {
  const choices = MENU_KEYS.map((k, i) => key(k, { type: 'hangup', audioMessageId: `am-${i}` }));
  const { call, caller } = setup((config) => ({
    ...config,
    audioMessages: MENU_KEYS.map((_, i) => ({ id: `am-${i}`, name: `Message ${i}`, source: 'text' as const, voice: null, text: 'x', textLanguage: null, fileId: null, durationMs: null })),
    ivrMenus: [menu('main', { choices })],
  }), MENU_KEYS.map((_, i) => `am-${i}`));
  for (const [i, k] of MENU_KEYS.entries()) {
    const { callId, leg } = await call();
    await heard(leg, `spoken:menu::${MENU_KEYS.join(',')}`);
    leg.pressDigit(k);
    await heard(leg, `audio:am-${i}`);
    await sleep(20);
    assert.ok(leg.closed, `key ${k} hangs up after its message`);
    assert.equal(caller.updates.filter((u) => u.callId === callId).at(-1), { callId, state: 'ended', reason: 'unavailable' });
    assert.is(leg.heard.filter((h) => h.startsWith('audio:')).length, 1, `key ${k}: one message only (${leg.heard.join(', ')})`);
  }
});

test('1 rings a user who answers; 2 reaches a voicemail box that records', async () => {
  const { call, caller, phone, voicemail } = setup((config) => ({ ...config, ivrMenus: [menu('main', { choices: [key('1', toAlice), key('2', toAliceBox)] })] }));
  const alice = phone('u101', '101');
  const first = await call();
  assert.equal(caller.updates.find((u) => u.callId === first.callId)?.state, 'connected', 'the menu answers the call');
  await heard(first.leg, 'spoken:menu::1,2');
  await sleep(10); // the fake leg says "silence" once its prompt is over
  first.leg.pressDigit('1');
  await sleep(20);
  assert.is(alice.incomingCalls.length, 1, "Alice's phone rings");
  assert.is(first.leg.hearing, 'ringback');

  const second = await call();
  await heard(second.leg, 'spoken:menu::1,2');
  second.leg.pressDigit('2');
  await heard(second.leg, 'beep');
  await sleep(10);
  assert.is(second.leg.recordings.length, 1, 'the box records');
  assert.is(voicemail.messages[0]?.boxId, 'vm-u101');
});

test('an invalid key says "invalid choice" and repeats; after the repeats, the timeout gives the fallback', async () => {
  const { call, phone } = setup((config) => ({
    ...config,
    ivrMenus: [menu('main', { choices: [key('1', toAlice)], retries: 2, timeoutSeconds: 5, fallback: toBob })],
  }));
  const bob = phone('u102', '102');
  const { leg } = await call();
  await heard(leg, 'spoken:menu::1');
  leg.pressDigit('7');
  await heard(leg, 'prompt:invalid-choice');
  await heard(leg, 'spoken:menu::1', 2);
  // No key now: the wait (5 s at 100× = 50 ms) ends, the menu plays a third and last time, then the fallback.
  await heard(leg, 'spoken:menu::1', 3);
  assert.is(bob.incomingCalls.length, 0, 'not before the last wait');
  await sleep(150);
  assert.is(bob.incomingCalls.length, 1, "the fallback rings Bob's phone");
  assert.is(leg.heard.filter((h) => h === 'spoken:menu::1').length, 3, '1 prompt + 2 repeats');
});

test('invalid keys alone also end in the fallback; 0 repeats means one try', async () => {
  const { call, caller } = setup((config) => ({ ...config, ivrMenus: [menu('main', { choices: [key('1', toAlice)], retries: 0, fallback: { type: 'hangup' } })] }));
  const { callId, leg } = await call();
  await heard(leg, 'spoken:menu::1');
  leg.pressDigit('#');
  await heard(leg, 'prompt:invalid-choice');
  await sleep(30);
  assert.ok(leg.closed);
  assert.is(caller.updates.filter((u) => u.callId === callId).at(-1)?.state, 'ended');
  assert.is(leg.heard.filter((h) => h.startsWith('spoken:menu')).length, 1);
});

test('menus nest: a sub-menu, back to the parent with 0, then a destination', async () => {
  const { call, phone } = setup((config) => ({
    ...config,
    ivrMenus: [
      menu('main', { spokenText: 'Main menu', choices: [key('1', toAlice), key('3', { type: 'ivr', menuId: 'sub' })] }),
      menu('sub', { spokenText: 'Sub menu', choices: [key('0', { type: 'ivr', menuId: 'main' }), key('9', toBob)] }),
    ],
  }));
  const bob = phone('u102', '102');
  const alice = phone('u101', '101');
  const { leg } = await call();
  await heard(leg, 'spoken:menu:Main menu:1,3');
  leg.pressDigit('3');
  await heard(leg, 'spoken:menu:Sub menu:0,9');
  leg.pressDigit('0');
  await heard(leg, 'spoken:menu:Main menu:1,3', 2);
  leg.pressDigit('3');
  await heard(leg, 'spoken:menu:Sub menu:0,9', 2);
  leg.pressDigit('9');
  await sleep(20);
  assert.is(bob.incomingCalls.length, 1);
  assert.is(alice.incomingCalls.length, 0);
});

test('the prompt is the audio message when it has audio, else the spoken text', async () => {
  const message = { id: 'am-welcome', name: 'Welcome', source: 'upload' as const, voice: null, text: null, textLanguage: null, fileId: 'f1', durationMs: 1000 };
  const edit = (config: PbxConfig): PbxConfig => ({
    ...config,
    audioMessages: [message],
    ivrMenus: [menu('main', { promptMessageId: 'am-welcome', spokenText: 'Press 1 for sales', choices: [key('1', toAlice)] })],
  });
  const { call } = setup(edit);
  const withAudio = await setup(edit, ['am-welcome']).call();
  await heard(withAudio.leg, 'audio:am-welcome');
  await sleep(20);
  assert.not.ok(withAudio.leg.heard.some((h) => h.startsWith('spoken:')), withAudio.leg.heard.join(', '));
  withAudio.leg.pressDigit('1');

  const noAudio = await call();
  await heard(noAudio.leg, 'spoken:menu:Press 1 for sales:1');
});

test('a caller who hangs up in a menu goes nowhere', async () => {
  const { call, caller, engine, phone } = setup((config) => ({ ...config, ivrMenus: [menu('main', { choices: [], fallback: toBob, retries: 0 })] }));
  const bob = phone('u102', '102');
  const { callId, leg } = await call();
  await heard(leg, 'spoken:menu::');
  engine.hangup(caller, callId);
  await sleep(150);
  assert.is(bob.incomingCalls.length, 0);
  assert.is(engine.activeCalls, 0);
});

test('opening hours: the clock picks the branch when the call arrives (and through a menu key)', async () => {
  const hours: OpeningHours = {
    id: 'office',
    name: 'Office',
    ranges: [{ day: 'mon', from: '09:00', to: '18:00' }],
    holidays: [{ date: '2026-12-28', name: 'Closed for the holidays' }],
    open: toAlice,
    closed: toAliceBox,
  };
  const { call, phone, clock, voicemail } = setup((config) => ({
    ...config,
    settings: { ...config.settings, timeZone: 'Europe/Paris' },
    openingHours: [hours],
    incomingNumbers: [{ ...config.incomingNumbers[0]!, destination: { type: 'opening-hours', openingHoursId: 'office' } }],
  }));
  const alice = phone('u101', '101');
  clock.set(new Date('2026-11-23T09:30:00+01:00')); // Monday 09:30 in Paris
  const open = await call();
  await sleep(20);
  assert.is(alice.incomingCalls.length, 1, 'open: Alice rings');
  assert.is(open.leg.hearing, 'ringback');

  clock.set(new Date('2026-11-23T18:00:00+01:00')); // Monday 18:00: the range has ended
  const evening = await call();
  await heard(evening.leg, 'beep');
  await sleep(20);
  assert.is(alice.incomingCalls.length, 1, 'closed: Alice does not ring');
  assert.is(voicemail.messages.length, 1, 'closed: the box takes the call');

  clock.set(new Date('2026-12-28T10:00:00+01:00')); // a Monday, but a holiday
  const holiday = await call();
  await heard(holiday.leg, 'beep');
  assert.is(alice.incomingCalls.length, 1);
});

test('hang up with a message: the message, then the PBX hangs up; a message without audio is skipped', async () => {
  const edit = (config: PbxConfig): PbxConfig => ({
    ...config,
    audioMessages: [{ id: 'am-bye', name: 'Bye', source: 'text', voice: null, text: 'We are closed', textLanguage: null, fileId: null, durationMs: null }],
    incomingNumbers: [{ ...config.incomingNumbers[0]!, destination: { type: 'hangup', audioMessageId: 'am-bye' } }],
  });
  const first = await setup(edit, ['am-bye']).call();
  await heard(first.leg, 'audio:am-bye');
  await sleep(20);
  assert.ok(first.leg.closed);
  const { call, caller } = setup(edit);
  const second = await call();
  await sleep(30);
  assert.ok(second.leg.closed, 'no audio: straight to the hang-up');
  assert.not.ok(second.leg.heard.some((h) => h.startsWith('audio:')));
  assert.is(caller.updates.filter((u) => u.callId === second.callId).at(-1)?.state, 'ended');
});

test('planned as steps: a menu, opening hours, a hang-up after a message; gone ones are "not available"', () => {
  const config: PbxConfig = {
    ...sampleConfig(),
    ivrMenus: [menu('main')],
    openingHours: [{ id: 'office', name: 'Office', ranges: [], holidays: [], open: toAlice, closed: toBob }],
    audioMessages: [{ id: 'am-bye', name: 'Bye', source: 'none', voice: null, text: null, textLanguage: null, fileId: null, durationMs: null }],
  };
  const notAvailable = [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'unavailable' }];
  assert.equal(planDestination(config, { type: 'ivr', menuId: 'main' }), [{ type: 'menu', menuId: 'main' }]);
  assert.equal(planDestination(config, { type: 'ivr', menuId: 'gone' }), notAvailable);
  assert.equal(planDestination(config, { type: 'opening-hours', openingHoursId: 'office' }), [{ type: 'opening-hours', openingHoursId: 'office' }]);
  assert.equal(planDestination(config, { type: 'opening-hours', openingHoursId: 'gone' }), notAvailable);
  assert.equal(planDestination(config, { type: 'hangup', audioMessageId: 'am-bye' }), [{ type: 'announce', audioMessageId: 'am-bye' }, { type: 'hangup', reason: 'unavailable' }]);
  assert.equal(planDestination(config, { type: 'hangup' }), [{ type: 'hangup', reason: 'unavailable' }]);
});

test.run();
