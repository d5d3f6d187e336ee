// The expectation checks against a made-up call: its trace, what the caller received, the box's
// messages and the outbox; each passes on the right evidence and fails with a reason in words.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDefaultConfig } from '../../data/default-config.ts';
import { IvrMenu, type PbxConfig } from '../../data/schema.ts';
import type { NoticeView, StoredMessageView } from '../../flow/admin-api.ts';
import { checkExpectation, checkReferences, summarizeTrace, type CallEvidence } from '../../flow/expectations.ts';
import type { CapturedMail } from '../../flow/mail-capture.ts';
import { parseScenarios, type Expectation } from '../../flow/scenario.ts';
import type { CallTrace, CallTraceEvent } from '../../server/calls/call-trace.ts';

const test = suite('flow expectations');

function config(): PbxConfig {
  const base = createDefaultConfig({ '101': 'h', '102': 'h' });
  return { ...base, ivrMenus: [IvrMenu.parse({ id: 'menu-main', name: 'Main menu' })], audioMessages: [{ id: 'am-1', name: 'Welcome', source: 'text', voice: null, text: 'Hi', textLanguage: null, fileId: 'f1', durationMs: 1000 }] };
}

/** A call to 101 that rang unanswered, went to voicemail, left 4.2 s, and ended. */
function voicemailTrace(): CallTrace {
  const events: [number, CallTraceEvent][] = [
    [0, { type: 'dialled', to: '+33100000101', from: { name: 'Web caller', number: 'web' } }],
    [1, { type: 'step', step: { type: 'ring', userId: 'u101', seconds: 20 } }],
    [2, { type: 'ringing', userId: 'u101', phones: 1 }],
    [20_000, { type: 'ring-ended', userId: 'u101', outcome: 'no-answer' }],
    [20_001, { type: 'step', step: { type: 'voicemail', boxId: 'vm-u101' } }],
    [20_002, { type: 'play', item: { type: 'prompt', name: 'voicemail-greeting' } }],
    [27_000, { type: 'play-ended', item: { type: 'prompt', name: 'voicemail-greeting' }, played: true, cut: false }],
    [27_001, { type: 'play', item: { type: 'beep' } }],
    [27_400, { type: 'play-ended', item: { type: 'beep' }, played: true, cut: false }],
    [31_600, { type: 'digit', digit: '#' }],
    [31_700, { type: 'voicemail-message', boxId: 'vm-u101', messageId: 'm-1', durationMs: 4200, kept: true, ending: 'pound' }],
    [34_500, { type: 'ended', by: 'pbx', reason: 'hangup' }],
  ];
  const start = Date.parse('2026-11-25T03:00:00.000Z');
  return {
    callId: 'c-1',
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + 34_500).toISOString(),
    events: events.map(([ms, event]) => ({ ...event, ms, at: new Date(start + ms).toISOString() })),
  };
}

interface Options {
  trace?: CallTrace;
  level?: number | null;
  messages?: StoredMessageView[];
  notices?: NoticeView[];
  smtpConfigured?: boolean;
  mails?: CapturedMail[] | null;
}

function evidence(options: Options = {}): CallEvidence {
  const notices = options.notices ?? [];
  return {
    trace: options.trace ?? voicemailTrace(),
    config: config(),
    receivedLevel: () => (options.level === undefined ? -14 : options.level),
    admin: {
      boxMessages: async () => options.messages ?? [{ id: 'm-1', boxId: 'vm-u101', durationMs: 4200, status: 'new' }],
      outbox: async () => ({ smtpConfigured: options.smtpConfigured ?? true, notices }),
      notice: async (id) => ({ ...notices.find((n) => n.id === id)!, messageId: `<${id}@pbx>` }),
    },
    mails: options.mails === undefined ? null : options.mails,
    endedMs: 34_500,
  };
}

/** The expectations of a scenario file's `expect:` list, as the runner reads them. */
function expectations(yaml: string): Expectation[] {
  return parseScenarios(`name: t\ndial: "+33100000101"\nexpect:\n${yaml}`, 't.yaml')[0]!.scenario.expect;
}

async function check(yaml: string, options: Options = {}) {
  const [expectation] = expectations(yaml);
  return checkExpectation(expectation!, evidence(options));
}

const notice = (fields: Partial<NoticeView> = {}): NoticeView => ({
  id: 'n-1',
  kind: 'voicemail',
  subjectId: 'm-1',
  to: 'alice@example.com',
  subject: 'New voicemail from Web caller (0:04)',
  status: 'sent',
  lastError: null,
  sentAt: '2026-11-25T03:00:36.000Z',
  createdAt: '2026-11-25T03:00:35.000Z',
  ...fields,
});

test('reached: the voicemail box by its owner\'s extension; not the user (nobody answered), with what the call did', async () => {
  const box = await check('  - reached: { voicemail: 101 }');
  assert.equal(box, { expectation: 'reached voicemail box Alice Martin', passed: true, detail: 'at 20.0 s' });
  const user = await check('  - reached: { user: 101 }');
  assert.is(user.passed, false);
  assert.is(user.detail, 'the call never got there: 101 rang: no-answer → voicemail vm-u101 → played voicemail-greeting → played beep → key # → message 4.2 s saved → ended by the pbx (hangup) at 34.5 s');
  const late = await check('  - reached: { voicemail: Alice Martin }\n    within: 15s');
  assert.is(late.passed, false);
  assert.match(late.detail, /at 20\.0 s: later than the 15\.0 s allowed/);
  assert.is(late.expectation, 'reached voicemail box Alice Martin within 15.0 s');
});

test('reached: a menu, found by the step that names it (any step type a destination adds)', async () => {
  const trace = voicemailTrace();
  trace.events.splice(2, 0, { type: 'step', step: { type: 'menu', menuId: 'menu-main' }, ms: 5, at: trace.startedAt });
  assert.is((await check('  - reached: { menu: Main menu }', { trace })).passed, true);
  assert.is((await check('  - reached: { menu: menu-main }')).passed, false);
});

test('reached: a conference room once the caller came in, not when the PIN was refused', async () => {
  const withRoom = () => {
    const trace = voicemailTrace();
    trace.events = trace.events.slice(0, 1);
    trace.events.push({ type: 'step', step: { type: 'conference', roomId: 'room-1' }, ms: 1, at: trace.startedAt });
    return trace;
  };
  const rooms = { conferenceRooms: [{ id: 'room-1', name: 'Weekly', pin: '2468', maxParticipants: 10 }] };
  const refused = withRoom();
  refused.events.push({ type: 'play', item: { type: 'prompt', name: 'conference-pin-wrong' }, ms: 5000, at: refused.startedAt });
  const [expectation] = expectations('  - reached: { conference: Weekly }');
  const check = (trace: CallTrace) => checkExpectation(expectation!, { ...evidence({ trace }), config: { ...config(), ...rooms } });
  assert.match((await check(refused)).detail, /^the call never got there: conference room-1 → played conference-pin-wrong/);
  const joined = withRoom();
  joined.events.push({ type: 'conference-joined', roomId: 'room-1', members: 1, ms: 6000, at: joined.startedAt });
  assert.equal(await check(joined), { expectation: 'reached conference room Weekly', passed: true, detail: 'at 6.0 s' });
});

test('menu_choice and opening_hours: how the caller left a menu, which branch the clock chose', async () => {
  const trace = voicemailTrace();
  trace.events = trace.events.slice(0, 1);
  const add = (event: CallTraceEvent, ms: number) => trace.events.push({ ...event, ms, at: new Date(Date.parse('2026-12-25T09:00:00.000Z') + ms).toISOString() });
  add({ type: 'opening-hours', openingHoursId: 'oh-1', open: true }, 10);
  add({ type: 'step', step: { type: 'menu', menuId: 'menu-main' } }, 11);
  add({ type: 'menu-outcome', menuId: 'menu-main', because: 'key', key: '2' }, 4000);
  const hours = { openingHours: [{ id: 'oh-1', name: 'Office hours', ranges: [], holidays: [], open: { type: 'hangup' as const }, closed: { type: 'hangup' as const } }] };
  const run = async (yaml: string) => {
    const [expectation] = expectations(yaml);
    return checkExpectation(expectation!, { ...evidence({ trace }), config: { ...config(), ...hours } });
  };
  assert.equal(await run('  - menu_choice: { menu: Main menu, key: 2 }'), { expectation: 'left IVR menu Main menu with key 2', passed: true, detail: 'at 4.0 s' });
  assert.equal(await run('  - menu_choice: { menu: Main menu, fallback: true }'), { expectation: 'left IVR menu Main menu by its fallback', passed: false, detail: 'the caller left it by key 2' });
  assert.equal(await run('  - opening_hours: { schedule: Office hours, open: true }'), { expectation: 'opening hours Office hours open', passed: true, detail: 'open at 0.0 s (PBX clock 2026-12-25T09:00:00.010Z)' });
  assert.is((await run('  - opening_hours: { schedule: Office hours, open: false }')).passed, false);
});

test('rang: in order, others may ring between; the wrong order fails', async () => {
  const trace = voicemailTrace();
  trace.events.splice(4, 0, { type: 'ringing', userId: 'u102', phones: 2, ms: 20_000, at: trace.startedAt });
  assert.is((await check('  - rang: [101, 102]', { trace })).passed, true);
  const reversed = await check('  - rang: [102, 101]', { trace });
  assert.is(reversed.passed, false);
  assert.is(reversed.detail, '101 did not ring after the previous ones (rang: 101, 102)');
});

test('heard: played whole by the PBX and audible at the caller; silence at the caller fails', async () => {
  const heard = await check('  - heard: voicemail-greeting');
  assert.equal(heard, { expectation: 'heard the prompt voicemail-greeting', passed: true, detail: 'at 20.0 s–27.0 s, received at -14 dBFS' });
  const silent = await check('  - heard: beep', { level: -70 });
  assert.is(silent.passed, false);
  assert.is(silent.detail, 'the PBX played it at 27.0 s–27.4 s, but the caller received only silence (-70 dBFS) then');
  const nothing = await check('  - heard: beep', { level: null });
  assert.match(nothing.detail, /received no audio then/);
  const never = await check('  - heard: busy');
  assert.is(never.detail, 'the PBX never played it (played: voicemail-greeting, beep)');
  assert.is((await check('  - not_heard: busy')).passed, true);
  assert.is((await check('  - not_heard: beep')).detail, 'the PBX played it at 27.0 s');
});

test('heard: an audio message by name; one without audio was not heard', async () => {
  const trace = voicemailTrace();
  trace.events.splice(5, 0,
    { type: 'play', item: { type: 'audio-message', audioMessageId: 'am-1' }, ms: 20_001, at: trace.startedAt },
    { type: 'play-ended', item: { type: 'audio-message', audioMessageId: 'am-1' }, played: false, cut: false, ms: 20_001, at: trace.startedAt });
  const result = await check('  - heard: { audio_message: Welcome }', { trace });
  assert.is(result.passed, false);
  assert.match(result.detail, /had nothing to play/);
});

test('voicemail: length in range, and listed in the box; out of range, discarded or not stored fail', async () => {
  assert.equal(await check('  - voicemail: { box: 101, seconds: [3, 6] }'), { expectation: 'voicemail saved in box Alice Martin, 3–6 s long', passed: true, detail: '4.2 s saved (ended by pound)' });
  assert.is((await check('  - voicemail: { box: 101, seconds: [5, 9] }')).detail, '4.2 s saved (ended by pound): outside 5–9 s');
  assert.match((await check('  - voicemail: { box: 101 }', { messages: [] })).detail, /the PBX said it saved message m-1 \(4\.2 s\), but the box does not list it/);
  const discarded = voicemailTrace();
  const event = discarded.events.find((e) => e.type === 'voicemail-message') as { kept: boolean; durationMs: number };
  event.kept = false;
  event.durationMs = 900;
  assert.match((await check('  - voicemail: { box: 101 }', { trace: discarded })).detail, /a 0\.90 s recording was discarded \(pound\): shorter than the box's 2 s minimum/);
  assert.match((await check('  - voicemail: { box: 102 }')).detail, /^no message recorded in this box \(saved in vm-u101\)/);
});

test('email: received by the SMTP server (matched by Message-ID), sent per the outbox, or waiting without SMTP', async () => {
  const mail: CapturedMail = { to: ['alice@example.com'], subject: 'New voicemail from Web caller (0:04)', messageId: '<n-1@pbx>', receivedAt: 0, attachments: [{ filename: 'v.mp3', contentType: 'audio/mpeg', size: 9000 }] };
  const captured = await check('  - email: { to: Alice@Example.com }', { notices: [notice()], mails: [mail] });
  assert.equal(captured.detail, '"New voicemail from Web caller (0:04)" received by the SMTP server, with v.mp3 (audio/mpeg)');
  assert.is((await check('  - email: { to: alice@example.com }', { notices: [notice()] })).detail, '"New voicemail from Web caller (0:04)" accepted by the PBX\'s SMTP server');
  assert.match((await check('  - email: { to: alice@example.com }', { notices: [notice({ status: 'pending' })], smtpConfigured: false })).detail, /waiting in the outbox \(the PBX has no SMTP server\)/);
  const subject = await check('  - email: { to: alice@example.com, subject: Urgent }', { notices: [notice()] });
  assert.is(subject.passed, false);
  assert.is(subject.detail, 'the e-mail\'s subject is "New voicemail from Web caller (0:04)"');
  const failed = await check('  - email: { to: alice@example.com }', { notices: [notice({ status: 'failed', lastError: '550 mailbox unknown' })] });
  assert.is(failed.detail, 'the notice is failed (550 mailbox unknown)');
});

test('email: waits until `within`, then says what it saw', async () => {
  const started = performance.now();
  const wrongAddress = await check('  - email: { to: bob@example.com }\n    within: 35s', { notices: [notice()] });
  assert.is(wrongAddress.passed, false);
  assert.match(wrongAddress.detail, /^the notice went to alice@example\.com after waiting 0\.5 s$/);
  assert.ok(performance.now() - started >= 450, 'it waited');
  const noMessage = voicemailTrace();
  noMessage.events = noMessage.events.filter((e) => e.type !== 'voicemail-message');
  assert.is((await check('  - email: { to: alice@example.com }', { trace: noMessage })).detail, 'the call left no voicemail message, so no e-mail could follow');
});

test('ended: reason and who', async () => {
  assert.is((await check('  - ended: hangup')).passed, true);
  const wrong = await check('  - ended: { reason: busy, by: caller }');
  assert.equal(wrong, { expectation: 'call ended with busy by the caller', passed: false, detail: 'ended by the pbx with hangup at 34.5 s' });
});

test('references are checked against the configuration before any call, with what exists', () => {
  const refuse = (yaml: string) => {
    try {
      checkReferences(expectations(yaml)[0]!, config());
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };
  assert.is(refuse('  - reached: { user: 105 }'), 'no user "105" in the configuration (extensions: 101, 102)');
  assert.is(refuse('  - voicemail: { box: Support }'), 'no voicemail box "Support" in the configuration (boxes: Alice Martin, Bob Durand)');
  assert.is(refuse('  - reached: { conference: Weekly }'), 'no conference room "Weekly" in the configuration (conference rooms: none)');
  assert.is(refuse('  - reached: { menu: Main menu }'), 'accepted');
  assert.is(refuse('  - heard: { audio_message: Goodbye }'), 'no audio message "Goodbye" in the configuration (audio messages: Welcome)');
});

test('the trace in one line', () => {
  assert.match(summarizeTrace(voicemailTrace(), config()), /^101 rang: no-answer → voicemail vm-u101 → played voicemail-greeting/);
});

test.run();
