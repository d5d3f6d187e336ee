// Apply changes on IVR menus and opening hours: loops of menus with no way out are refused, loops
// with one are fine, and every reference (keys, fallbacks, prompts, branches) must exist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffConfigs } from '../../data/diff.ts';
import { upsertEntity } from '../../data/draft-edits.ts';
import { IvrMenu, PbxConfig, type Destination, type OpeningHours } from '../../data/schema.ts';
import { validateConfig } from '../../data/validate.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

const menu = (id: string, name: string, choices: [string, Destination][], fallback: Destination = { type: 'hangup' }): IvrMenu =>
  IvrMenu.parse({ id, name, choices: choices.map(([key, destination]) => ({ key, destination })), fallback });
const toMenu = (menuId: string): Destination => ({ type: 'ivr', menuId });
const toHours = (openingHoursId: string): Destination => ({ type: 'opening-hours', openingHoursId });
const hours = (id: string, name: string, open: Destination, closed: Destination): OpeningHours => ({ id, name, ranges: [], holidays: [], open, closed });
const withMenus = (menus: IvrMenu[], openingHours: OpeningHours[] = []): PbxConfig => {
  const config = sampleConfig();
  return { ...upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, destination: toMenu(menus[0]!.id) }), ivrMenus: menus, openingHours };
};
const messagesOf = (config: PbxConfig) => validateConfig(config).map((p) => p.message);

test('nested menus that can go back to their parent are fine when a key leads out', () => {
  const config = withMenus([
    menu('main', 'Main', [['1', toMenu('sales')], ['2', { type: 'user', userId: 'u101' }]], toMenu('main')),
    menu('sales', 'Sales', [['0', toMenu('main')], ['9', toMenu('sales')]], toMenu('main')),
  ]);
  assert.equal(validateConfig(config), []);
});

test('a loop of menus where no key and no fallback leads out is refused, in words', () => {
  const config = withMenus([
    menu('main', 'Main', [['1', toMenu('sales')]], toMenu('sales')),
    menu('sales', 'Sales', [['0', toMenu('main')], ['1', toMenu('support')]], toMenu('main')),
    menu('support', 'Support', [['0', toMenu('sales')]], toMenu('main')),
  ]);
  const problems = validateConfig(config);
  assert.equal(problems.map((p) => p.path), ['ivrMenus/main']);
  assert.is(
    problems[0]!.message,
    'IVR menu Main, IVR menu Sales, IVR menu Support lead only to one another: callers could never get out. Give one key or the fallback another destination (a user, a voicemail box, hang up)',
  );
});

test('a menu whose only way is itself is refused; a hang-up fallback is a way out', () => {
  assert.equal(messagesOf(withMenus([menu('m', 'Lonely', [['1', toMenu('m')]], toMenu('m'))])), [
    'IVR menu Lonely leads only to itself: callers could never get out. Give one key or the fallback another destination (a user, a voicemail box, hang up)',
  ]);
  assert.equal(messagesOf(withMenus([menu('m', 'Lonely', [['1', toMenu('m')]], { type: 'hangup' })])), []);
});

test('a key to a conference room is a way out; a room that no longer exists is named', () => {
  const room = { id: 'conf-1', name: 'Weekly', pin: '', maxParticipants: 10 };
  const loopWithRoom = { ...withMenus([menu('m', 'Main', [['1', toMenu('m')], ['5', { type: 'conference', roomId: 'conf-1' }]], toMenu('m'))]), conferenceRooms: [room] };
  assert.equal(validateConfig(loopWithRoom), []);
  assert.equal(messagesOf({ ...loopWithRoom, conferenceRooms: [] }), ['IVR menu Main: key 5 goes to a conference room that no longer exists']);
});

test('a loop that leaves through opening hours has an exit; opening hours that only lead to each other are refused', () => {
  const ok = withMenus([menu('main', 'Main', [['1', toHours('office')]], toMenu('main'))], [hours('office', 'Office', toMenu('main'), { type: 'voicemail', boxId: 'vm-u101' })]);
  assert.equal(validateConfig(ok), []);
  const closedLoop = withMenus([menu('main', 'Main', [['1', toHours('office')]], toMenu('main'))], [hours('office', 'Office', toMenu('main'), toMenu('main'))]);
  assert.match(messagesOf(closedLoop).join('\n'), /IVR menu Main, opening hours Office lead only to one another: callers could never get out/);
  const spinning = withMenus(
    [menu('main', 'Main', [['1', toHours('a')]])],
    [hours('a', 'Day', toHours('b'), { type: 'hangup' }), hours('b', 'Night', toHours('a'), { type: 'hangup' })],
  );
  assert.equal(messagesOf(spinning), ['Opening hours Day, opening hours Night lead only to one another with no menu in between: calls would go round forever']);
});

test('dangling references in menus and opening hours are named', () => {
  const config = withMenus(
    [{ ...menu('main', 'Main', [['1', { type: 'user', userId: 'u-gone' }], ['2', toMenu('gone')], ['3', toHours('gone')], ['4', { type: 'hangup', audioMessageId: 'am-gone' }]], { type: 'voicemail', boxId: 'vm-gone' }), promptMessageId: 'am-gone' }],
    [hours('office', 'Office', { type: 'user', userId: 'u-gone' }, toMenu('gone'))],
  );
  assert.equal(messagesOf(config), [
    'IVR menu Main plays a prompt (audio message) that no longer exists',
    'IVR menu Main: key 1 goes to a user that no longer exists',
    'IVR menu Main: key 2 goes to an IVR menu that no longer exists',
    'IVR menu Main: key 3 goes to opening hours that no longer exist',
    'IVR menu Main: key 4 hangs up after an audio message that no longer exists',
    'IVR menu Main: the fallback goes to a voicemail box that no longer exists',
    'Opening hours Office: when open goes to a user that no longer exists',
    'Opening hours Office: when closed goes to an IVR menu that no longer exists',
  ]);
  const config2 = withMenus([menu('main', 'Main', [])]);
  assert.equal(messagesOf({ ...config2, incomingNumbers: [{ ...config2.incomingNumbers[0]!, destination: toHours('gone') }] }), [
    'Incoming number +33100000101 (Main line) goes to opening hours that no longer exist',
  ]);
});

test('a key given twice, a range that ends before it starts, a holiday twice, a bad time zone', () => {
  const config = withMenus(
    [menu('main', 'Main', [['1', { type: 'hangup' }], ['1', { type: 'user', userId: 'u101' }]])],
    [{ ...hours('office', 'Office', { type: 'hangup' }, { type: 'hangup' }), ranges: [{ day: 'fri', from: '22:00', to: '02:00' }], holidays: [{ date: '2026-05-01', name: '' }, { date: '2026-05-01', name: 'May Day' }] }],
  );
  assert.equal(messagesOf(config), [
    'IVR menu Main: key 1 is given two destinations',
    'Opening hours Office: fri 22:00–02:00 ends before it starts (a range past midnight is two ranges, one each day)',
    'Opening hours Office: the holiday 2026-05-01 is listed twice',
  ]);
  const badZone = validateConfig({ ...config, settings: { ...config.settings, timeZone: 'Europe/Atlantis' } });
  assert.equal(badZone.map((p) => [p.path, p.message]), [['settings/timeZone', 'an IANA time zone such as Europe/Paris']]);
});

test('configurations stored before menus were filled in still load, with defaults', () => {
  const old = sampleConfig() as Record<string, unknown>;
  const { timeZone: _zone, ...oldSettings } = (old.settings as Record<string, unknown>);
  delete old.openingHours;
  const parsed = PbxConfig.parse({ ...old, settings: oldSettings, ivrMenus: [{ id: 'ivr-1', name: 'Old menu' }] });
  assert.equal(parsed.ivrMenus[0], { id: 'ivr-1', name: 'Old menu', promptMessageId: null, spokenText: '', timeoutSeconds: 5, retries: 2, choices: [], fallback: { type: 'hangup' } });
  assert.equal(parsed.openingHours, []);
  assert.type(parsed.settings.timeZone, 'string');
});

test('the diff says menu keys, opening times and the hang-up message in words', () => {
  const before = withMenus([menu('main', 'Main', [['1', { type: 'user', userId: 'u101' }]])], [hours('office', 'Office', { type: 'hangup' }, { type: 'hangup' })]);
  const after: PbxConfig = {
    ...before,
    settings: { ...before.settings, timeZone: 'America/New_York' },
    ivrMenus: [{ ...before.ivrMenus[0]!, choices: [...before.ivrMenus[0]!.choices, { key: '#', destination: { type: 'voicemail', boxId: 'vm-u101' } }], retries: 3 }],
    openingHours: [{ ...before.openingHours[0]!, ranges: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [{ date: '2026-12-25', name: 'Christmas' }], closed: { type: 'ivr', menuId: 'main' } }],
  };
  const changes = diffConfigs({ ...before, settings: { ...before.settings, timeZone: 'Europe/Paris' } }, after);
  assert.equal(changes, [
    { kind: 'changed', what: 'Settings', name: 'Global settings', details: ['Time zone: Europe/Paris → America/New_York'] },
    { kind: 'changed', what: 'IVR menu', name: 'Main', details: ['Repeats: 2 → 3', 'Keys: 1 = user Alice Martin (101) → 1 = user Alice Martin (101), # = voicemail box Alice Martin'] },
    {
      kind: 'changed',
      what: 'Opening hours',
      name: 'Office',
      details: ['Opening times: none → mon 09:00–17:00', 'Holidays: none → 2026-12-25 (Christmas)', 'When closed: hang up → IVR menu Main'],
    },
  ]);
  const added = diffConfigs(before, { ...before, openingHours: [...before.openingHours, hours('h2', 'Weekend', { type: 'hangup' }, { type: 'hangup' })] });
  assert.equal(added, [{ kind: 'added', what: 'Opening hours', name: 'Weekend', details: [] }]);
});

test.run();
