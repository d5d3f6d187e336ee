import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeEntity, upsertEntity } from '../../data/draft-edits.ts';
import { validateConfig } from '../../data/validate.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

const messagesOf = (config: unknown) => validateConfig(config).map((p) => p.message);

test('the default configuration is valid', () => {
  assert.equal(validateConfig(sampleConfig()), []);
});

test('schema errors name the field', () => {
  const config = sampleConfig();
  const broken = { ...config, settings: { ...config.settings, language: 'it' } };
  const problems = validateConfig(broken);
  assert.is(problems.length, 1);
  assert.is(problems[0]!.path, 'settings/language');
});

test('duplicate extensions and numbers are refused', () => {
  let config = sampleConfig();
  config = upsertEntity(config, 'users', { ...config.users[1]!, extension: '101' });
  config = upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, id: 'n-copy' });
  const messages = messagesOf(config);
  assert.ok(messages.some((m) => m.includes('has extension 101, already used by Alice Martin')), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('+33100000101 is listed twice')), messages.join('\n'));
});

test('an incoming number to a removed box is refused with a readable sentence', () => {
  let config = sampleConfig();
  config = upsertEntity(config, 'voicemailBoxes', { ...config.voicemailBoxes[0]!, id: 'vm-sales', owner: { type: 'manual' }, name: 'Sales' });
  config = upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, destination: { type: 'voicemail', boxId: 'vm-sales' } });
  assert.equal(validateConfig(config), []);
  config = removeEntity(config, 'voicemailBoxes', 'vm-sales');
  assert.equal(messagesOf(config), ['Incoming number +33100000101 (Main line) goes to a voicemail box that no longer exists']);
});

test('forwarding targets must exist and not be the user himself', () => {
  const config = sampleConfig();
  const alice = config.users[0]!;
  const forwardings = {
    ...alice.forwardings,
    noAnswer: { ...alice.forwardings.noAnswer, enabled: true, targets: [{ type: 'user' as const, userId: 'ghost' }, { type: 'user' as const, userId: alice.id }] },
  };
  const edited = upsertEntity(config, 'users', { ...alice, voicemail: false, forwardings });
  const messages = messagesOf(edited);
  assert.ok(messages.includes('User Alice Martin (101): forwarding on no answer step 1 rings a user that no longer exists'), messages.join('\n'));
  assert.ok(messages.includes('User Alice Martin (101): forwarding on no answer step 2 rings the user himself'), messages.join('\n'));
  assert.is(messages.length, 2, 'a last resort with Voicemail No is allowed (the caller hears "not available")');
});

test('an SMS-compatible number needs an address, its own or the default one', () => {
  const config = sampleConfig();
  const sms = upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, smsCompatible: true, smsEmail: '' });
  assert.equal(messagesOf(sms).length, 1);
  assert.equal(validateConfig({ ...sms, settings: { ...sms.settings, defaultSmsEmail: 'sms@example.com' } }), []);
});

test('references to audio messages and IVR menus are checked', () => {
  const config = sampleConfig();
  const edited = upsertEntity(config, 'incomingNumbers', {
    ...config.incomingNumbers[0]!,
    destination: { type: 'ivr', menuId: 'nope' },
    preAnswerMessageId: 'gone',
  });
  assert.is(messagesOf(edited).length, 2);
});

test('conference rooms: a number to a room that no longer exists is refused; a PIN is empty or 4 to 8 digits; at least 2 participants', () => {
  const config = upsertEntity(sampleConfig(), 'conferenceRooms', { id: 'conf-1', name: 'Team', pin: '', maxParticipants: 10 });
  const routed = upsertEntity(config, 'incomingNumbers', { ...config.incomingNumbers[0]!, destination: { type: 'conference', roomId: 'conf-1' } });
  assert.equal(validateConfig(routed), []);
  const problems = validateConfig(removeEntity(routed, 'conferenceRooms', 'conf-1'));
  assert.equal(problems, [{ path: 'incomingNumbers/n-main/destination', message: 'Incoming number +33100000101 (Main line) goes to a conference room that no longer exists' }]);
  for (const pin of ['123', '123456789', '12a4']) {
    const bad = upsertEntity(routed, 'conferenceRooms', { id: 'conf-1', name: 'Team', pin, maxParticipants: 10 });
    assert.equal(messagesOf(bad), ['4 to 8 digits'], `PIN ${pin}`);
  }
  assert.equal(validateConfig(upsertEntity(routed, 'conferenceRooms', { id: 'conf-1', name: 'Team', pin: '2468', maxParticipants: 10 })), []);
  assert.is(messagesOf(upsertEntity(routed, 'conferenceRooms', { id: 'conf-1', name: 'Team', pin: '', maxParticipants: 1 })).length, 1);
});

test('a configuration stored before conference rooms existed still reads, with none', () => {
  const { conferenceRooms: _none, ...older } = sampleConfig();
  assert.equal(validateConfig(older), []);
});

test.run();
