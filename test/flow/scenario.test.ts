// The scenario file: what a correct file becomes, and that every mistake is reported with its
// file, line, column, field and what was expected, all at once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenarios, ScenarioFileError, type ScenarioProblem } from '../../flow/scenario.ts';

const test = suite('flow scenario files');

function problemsOf(text: string): ScenarioProblem[] {
  try {
    parseScenarios(text, 'flows/x.yaml');
  } catch (error) {
    if (error instanceof ScenarioFileError) return error.problems;
    throw error;
  }
  assert.unreachable('the file should have been refused');
  return [];
}

const GOOD = `name: Leave a message
dial: +33100000101
users:
  - user: 101
    answer: never
  - user: "102"
    answer: { after: 2.5s }
    then:
      - say: Bob speaking
      - hangup
caller:
  - wait_for: beep
  - say: { text: "Bonjour", voice: fr }
  - say: { file: hello.wav }
  - press: 12#
    gap: 300ms
  - press: "#"
    tones: true
  - wait: 1.5
  - wait_for: { reached: { voicemail: Sales } }
    timeout: 1min
  - hangup
expect:
  - reached: { voicemail: 101 }
    within: 30s
  - rang: [101, 102]
  - heard: voicemail-greeting
  - heard: { audio_message: Welcome }
  - not_heard: beep
  - voicemail: { box: 101, seconds: [2, 8] }
  - voicemail: { box: Sales, seconds: { min: 3 } }
  - email: { to: alice@example.com, subject: New voicemail }
  - ended: busy
  - ended: { by: pbx }
`;

test('a correct file: shorthands expanded, durations in ms, numbers YAML read as numbers given back as text', () => {
  const [loaded] = parseScenarios(GOOD, 'flows/x.yaml');
  const scenario = loaded!.scenario;
  assert.is(scenario.dial, '+33100000101', 'the + YAML took for a sign is back');
  assert.equal(scenario.users[0], { user: '101', answer: { type: 'never' }, then: [] });
  assert.equal(scenario.users[1]!.answer, { type: 'after', ms: 2500 });
  assert.equal(scenario.users[1]!.then.map((a) => a.kind), ['say', 'hangup']);
  assert.equal(scenario.caller.map((a) => a.kind), ['wait_for', 'say', 'say', 'press', 'press', 'wait', 'wait_for', 'hangup']);
  assert.equal(scenario.caller[0], { kind: 'wait_for', value: { kind: 'beep', value: true } });
  assert.equal(scenario.caller[1]!.value, { text: 'Bonjour', voice: 'fr' });
  assert.equal(scenario.caller[2]!.value, { file: 'hello.wav' });
  assert.equal(scenario.caller[3], { kind: 'press', value: '12#', gap: 300 });
  assert.equal(scenario.caller[4], { kind: 'press', value: '#', tones: true });
  assert.equal(scenario.caller[5], { kind: 'wait', value: 1500 });
  assert.equal(scenario.caller[6], { kind: 'wait_for', value: { kind: 'reached', value: { kind: 'voicemail', value: 'Sales' } }, timeout: 60_000 });
  assert.equal(scenario.expect[0], { kind: 'reached', value: { kind: 'voicemail', value: '101' }, within: 30_000 });
  assert.equal(scenario.expect[1]!.value, ['101', '102']);
  assert.equal(scenario.expect[2]!.value, { type: 'prompt', name: 'voicemail-greeting' });
  assert.equal(scenario.expect[3]!.value, { type: 'audio-message', ref: 'Welcome' });
  assert.equal(scenario.expect[4]!.value, { type: 'beep' });
  assert.equal(scenario.expect[5]!.value, { box: '101', seconds: { min: 2, max: 8 } });
  assert.equal(scenario.expect[6]!.value, { box: 'Sales', seconds: { min: 3, max: Infinity } });
  assert.equal(scenario.expect[8]!.value, { reason: 'busy', by: undefined });
  assert.is(scenario.timeout, 120_000);
});

test('several scenarios in one file, under scenarios:', () => {
  const text = `scenarios:
  - name: one
    dial: "+33100000101"
    expect: [{ heard: busy }]
  - name: two
    dial: "+33100000102"
    expect: [{ ended: hangup }]
`;
  const loaded = parseScenarios(text, 'f.yaml');
  assert.equal(loaded.map((l) => [l.index, l.scenario.name]), [[0, 'one'], [1, 'two']]);
});

test('mistakes are reported with their line, column, field and what was expected, every one at once', () => {
  const problems = problemsOf(`name: Leave a message
dial: "0100000101"
users:
  - user: 101
    answer: { after: 3 seconds }
caller:
  - wait_for: beep
  - press: "12E"
  - jump: 3
  - say: hello
    hangup: true
expect:
  - heard: voicemial-greeting
  - voicemail: { box: 101, seconds: [8, 2] }
  - email: { to: not-an-address }
    within: soon
`);
  const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
  const line = (field: string) => byField[field]?.line;
  assert.is(line('dial'), 2);
  assert.match(byField.dial!.message, /international form/);
  assert.is(line('users[0].answer'), 5);
  assert.is(line('caller[1].press'), 8);
  assert.match(byField['caller[1].press']!.message, /0-9, \*, # and A-D/);
  assert.is(line('caller[2]'), 9);
  assert.match(byField['caller[2]']!.message, /an action: one of wait, wait_for, say, press, hangup \(found jump\)/);
  assert.is(line('caller[3]'), 10);
  assert.match(byField['caller[3]']!.message, /not say and hangup together/);
  assert.is(line('expect[0].heard'), 13);
  assert.match(byField['expect[0].heard']!.message, /voicemail-greeting/, 'the prompt names are listed');
  assert.is(line('expect[1].voicemail.seconds'), 14);
  assert.match(byField['expect[1].voicemail.seconds']!.message, /min must not be above max/);
  assert.is(line('expect[2].email.to'), 15);
  assert.is(line('expect[2].within'), 16);
  assert.match(byField['expect[2].within']!.message, /a duration such as 3s.*not "soon"/);
  assert.is(byField.dial!.column, 7);
  assert.ok(problems.every((p) => p.file === 'flows/x.yaml'));
});

test('the error message reads file:line:column: field: message', () => {
  try {
    parseScenarios('name: x\ndial: "+33100000101"\nexpect:\n  - reached: { user: 101, menu: Main }\n', 'a.yaml');
    assert.unreachable();
  } catch (error) {
    assert.is((error as Error).message, 'a.yaml:4:14: expect[0].reached: one a destination per item, not user and menu together');
  }
});

test('unknown fields where they are written, missing fields, no expectation', () => {
  const problems = problemsOf(`name: x
dail: "+33100000101"
expect:
  - heard: busy
    whithin: 3s
`);
  const messages = problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
  assert.ok(messages.includes('1 dial: an incoming number such as "+33100000101"'), messages.join(' | '));
  assert.ok(messages.includes('2 dail: unknown field'), messages.join(' | '));
  assert.ok(messages.includes('5 expect[0].whithin: unknown field'), messages.join(' | '));
  assert.match(problemsOf('name: x\ndial: "+33100000101"\nexpect: []\n')[0]!.message, /at least one expectation/);
});

test('a user listed twice', () => {
  const problems = problemsOf(`name: x
dial: "+33100000101"
users:
  - { user: 101, answer: never }
  - { user: 101, answer: reject }
expect: [{ heard: busy }]
`);
  assert.equal(problems.map((p) => [p.line, p.field, p.message]), [[5, 'users[1].user', 'user 101 is listed twice']]);
});

test('a clock for opening hours, and menu choices by key or fallback', () => {
  const [loaded] = parseScenarios(`name: x
dial: "+33100000100"
clock: "2026-12-25T10:00:00+01:00"
expect:
  - menu_choice: { menu: Main menu, key: 1 }
  - menu_choice: { menu: Main menu, fallback: true }
  - opening_hours: { schedule: Office hours, open: false }
`, 'c.yaml');
  assert.is(loaded!.scenario.clock, '2026-12-25T10:00:00+01:00');
  assert.equal(loaded!.scenario.expect[0]!.value, { menu: 'Main menu', key: '1' });
  const problems = problemsOf(`name: x
dial: "+33100000100"
clock: "Christmas morning"
expect:
  - menu_choice: { menu: Main menu, key: 1, fallback: true }
  - menu_choice: { menu: Main menu, key: "12" }
`);
  const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
  assert.equal(problems.map((p) => [p.line, p.field]).sort(), [[3, 'clock'], [5, 'expect[0].menu_choice'], [6, 'expect[1].menu_choice.key']]);
  assert.match(byField.clock!.message, /a date and time with its offset/);
  assert.match(byField['expect[0].menu_choice']!.message, /either key: "1" .* or fallback: true/);
  assert.is(byField['expect[1].menu_choice.key']!.message, 'one key');
});

test('text that is not YAML, and YAML that is not a scenario', () => {
  const broken = problemsOf('name: [unclosed\ndial: x\n');
  assert.match(broken[0]!.message, /^not valid YAML/);
  assert.ok(broken[0]!.line >= 1);
  const list = problemsOf('- just\n- a list\n');
  assert.match(list[0]!.message, /a scenario \(name, dial, caller, users, expect\)/);
});

test.run();
