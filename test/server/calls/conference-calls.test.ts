// Conference rooms in the call engine, with fake media and phones: the PIN (right, wrong, three
// tries, no key), who hears what (music alone, the room with others), join and leave tones for the
// others, a full room, and leaving on hang-up.
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { ConferenceRoom, PbxConfig } from '../../../data/schema.ts';
import { CallEngine } from '../../../server/calls/call-engine.ts';
import { PhoneRegistry } from '../../../server/calls/phone-registry.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { FakeMediaPlane, FakePhone, MemoryHistory, MemoryVoicemail } from '../../support/fake-calls.ts';

const OPEN_NUMBER = '+33100000300';
const PIN_NUMBER = '+33100000301';
const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(rooms: Partial<Record<'open' | 'pin', Partial<ConferenceRoom>>> = {}) {
  let config: PbxConfig = sampleConfig();
  const open: ConferenceRoom = { id: 'conf-open', name: 'Team call', pin: '', maxParticipants: 10, ...rooms.open };
  const locked: ConferenceRoom = { id: 'conf-pin', name: 'Board', pin: '4321', maxParticipants: 10, ...rooms.pin };
  config = upsertEntity(config, 'conferenceRooms', open);
  config = upsertEntity(config, 'conferenceRooms', locked);
  for (const [id, number, roomId] of [['n-open', OPEN_NUMBER, open.id], ['n-pin', PIN_NUMBER, locked.id]] as const) {
    config = upsertEntity(config, 'incomingNumbers', { id, number, label: id, destination: { type: 'conference', roomId }, preAnswerMessageId: null, whileRinging: { type: 'ringback' }, smsCompatible: false, smsEmail: '' });
  }
  const media = new FakeMediaPlane();
  const phones = new PhoneRegistry();
  const history = new MemoryHistory();
  const engine = new CallEngine({
    media,
    phones,
    config: () => config,
    history,
    voicemail: new MemoryVoicemail(),
    logger: pino({ level: 'silent' }),
    publicLimits: { total: 20, perAddress: 20 },
    // Key waits run 100 times faster: the 10 s for a first key take 100 ms.
    startTimer: (callback, ms) => {
      const timer = setTimeout(callback, ms / 100);
      return () => clearTimeout(timer);
    },
  });
  let callers = 0;
  /** A public caller dials `number`; returns its phone, call id and leg. */
  const dial = async (number: string) => {
    const phone = new FakePhone(null, null, `10.0.0.${++callers}`);
    phones.add(phone);
    const { callId } = await engine.dial(phone, { to: number, offer: 'offer' });
    const leg = media.legs.at(-1)!;
    return { phone, callId, leg, hangUp: () => engine.hangup(phone, callId) };
  };
  return { engine, media, history, dial };
}

const conference = suite('conference calls');

conference('alone: a prompt, then music; with others: the room, and the others hear a join tone', async () => {
  const { media, dial } = setup();
  const a = await dial(OPEN_NUMBER);
  await settle();
  assert.equal(a.leg.heard, ['prompt:conference-alone', 'silence', 'music-on-hold']);
  assert.equal(a.phone.lastUpdate(), { callId: a.callId, state: 'connected', peer: { name: 'Team call', number: OPEN_NUMBER } });
  assert.equal(media.conference, ['join:conf-open:leg-1', 'announce:join:leg-1']);

  const b = await dial(OPEN_NUMBER);
  await settle();
  assert.is(a.leg.hearing, 'conference', 'a hears the room instead of the music');
  assert.equal(b.leg.heard, ['conference'], 'b goes straight into the room: no prompt');
  assert.equal(media.conference.slice(2), ['join:conf-open:leg-2', 'announce:join:leg-2']);

  const c = await dial(OPEN_NUMBER);
  await settle();
  assert.equal(c.leg.heard, ['conference']);
  assert.equal(a.leg.heard.filter((h) => h === 'conference').length, 1, 'a is not switched again');
  assert.equal([...media.rooms.get('conf-open')!], ['leg-1', 'leg-2', 'leg-3']);
});

conference('leaving on hang-up: the others hear a leave tone; the last one hears it, then music; the room ends with its last member', async () => {
  const { engine, media, history, dial } = setup();
  const a = await dial(OPEN_NUMBER);
  await settle();
  const b = await dial(OPEN_NUMBER);
  const c = await dial(OPEN_NUMBER);
  await settle();
  media.conference.length = 0;

  c.hangUp();
  await settle();
  assert.equal(media.conference, ['announce:leave:leg-3', 'leave:leg-3']);
  assert.ok(c.leg.closed);
  assert.is(a.leg.hearing, 'conference');
  assert.is(b.leg.hearing, 'conference');

  // b's connection drops: the same as hanging up for the room.
  b.leg.loseConnection('media-timeout');
  await settle();
  assert.equal(media.conference.slice(2), ['announce:leave:leg-2', 'leave:leg-2']);
  assert.equal(a.leg.heard.slice(-3), ['tone:leave', 'silence', 'music-on-hold'], 'a, alone again: the tone, then music');

  const d = await dial(OPEN_NUMBER);
  await settle();
  assert.is(a.leg.hearing, 'conference', 'someone new: a hears the room again');
  assert.equal(d.leg.heard, ['conference']);

  a.hangUp();
  d.hangUp();
  await settle();
  assert.is(media.rooms.size, 0);
  assert.is(engine.activeCalls, 0);
  assert.equal(c.phone.lastUpdate(), { callId: c.callId, state: 'ended', reason: 'hangup' });
  assert.equal(history.records.find((r) => r.callId === a.callId)?.to, OPEN_NUMBER);
});

conference('a PIN: wrong, then right on the second try: the caller joins', async () => {
  const { media, dial } = setup();
  const a = await dial(PIN_NUMBER);
  await settle();
  assert.equal(a.leg.heard, ['prompt:conference-pin', 'silence']);
  for (const key of '1111#') a.leg.pressDigit(key);
  await settle();
  assert.equal(a.leg.heard.slice(2), ['silence', 'prompt:conference-pin-wrong', 'silence', 'prompt:conference-pin', 'silence']);
  assert.equal(media.conference, [], 'not in the room yet');
  for (const key of '4321#') a.leg.pressDigit(key);
  await settle();
  assert.equal(media.conference, ['join:conf-pin:leg-1', 'announce:join:leg-1']);
  assert.is(a.leg.hearing, 'music-on-hold');
});

conference('keys typed during the PIN prompt count; a PIN without # is taken once the caller stops typing', async () => {
  const { media, dial } = setup();
  const a = await dial(PIN_NUMBER);
  for (const key of '4321') a.leg.pressDigit(key);
  assert.equal(media.conference, []);
  // 5 s after the last key (50 ms here).
  await settle(120);
  assert.equal(media.conference, ['join:conf-pin:leg-1', 'announce:join:leg-1']);
});

conference('three wrong PINs: goodbye, and the PBX hangs up; the room never saw the caller', async () => {
  const { engine, media, dial } = setup();
  const a = await dial(PIN_NUMBER);
  for (let attempt = 0; attempt < 3; attempt++) {
    await settle();
    for (const key of '0000#') a.leg.pressDigit(key);
  }
  await settle();
  assert.equal(
    a.leg.heard.filter((h) => h.startsWith('prompt:')),
    ['prompt:conference-pin', 'prompt:conference-pin-wrong', 'prompt:conference-pin', 'prompt:conference-pin-wrong', 'prompt:conference-pin', 'prompt:conference-pin-wrong', 'prompt:goodbye'],
  );
  assert.equal(a.phone.lastUpdate(), { callId: a.callId, state: 'ended', reason: 'unavailable' });
  assert.ok(a.leg.closed);
  assert.equal(media.conference, []);
  assert.is(engine.activeCalls, 0);
});

conference('no key at all: each silence is a try, then goodbye', async () => {
  const { dial } = setup();
  const a = await dial(PIN_NUMBER);
  // 3 × (prompt + 10 s) with timers 100 times faster.
  await settle(600);
  assert.equal(a.leg.heard.filter((h) => h === 'prompt:conference-pin-wrong').length, 3);
  assert.is(a.leg.heard.filter((h) => h.startsWith('prompt:')).at(-1), 'prompt:goodbye');
  assert.equal(a.phone.lastUpdate()?.state, 'ended');
});

conference('hanging up while the PIN is asked: nobody joins, nothing is left', async () => {
  const { engine, media, dial } = setup();
  const a = await dial(PIN_NUMBER);
  await settle();
  a.leg.pressDigit('4');
  a.hangUp();
  await settle(150);
  assert.equal(media.conference, []);
  assert.is(engine.activeCalls, 0);
  assert.equal(a.phone.lastUpdate(), { callId: a.callId, state: 'ended', reason: 'hangup' });
});

conference('a full room: the caller beyond its maximum hears so and is not let in', async () => {
  const { media, dial } = setup({ open: { maxParticipants: 2 } });
  await dial(OPEN_NUMBER);
  await dial(OPEN_NUMBER);
  const third = await dial(OPEN_NUMBER);
  await settle();
  assert.equal(third.leg.heard, ['prompt:conference-full', 'silence']);
  assert.equal(third.phone.lastUpdate(), { callId: third.callId, state: 'ended', reason: 'unavailable' });
  assert.is(media.rooms.get('conf-open')!.size, 2);
});

conference.run();
