import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeChange, diffConfigs } from '../../data/diff.ts';
import { removeEntity, upsertEntity } from '../../data/draft-edits.ts';
import type { PbxConfig } from '../../data/schema.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

test('no change, no diff', () => {
  assert.equal(diffConfigs(sampleConfig(), sampleConfig()), []);
});

test('settings, added, changed and removed entities are described in words', () => {
  const before = sampleConfig();
  let after: PbxConfig = { ...before, settings: { ...before.settings, language: 'de' } };
  after = upsertEntity(after, 'voicemailBoxes', { ...before.voicemailBoxes[0]!, id: 'vm-sales', name: 'Sales', owner: { type: 'manual' }, email: 'sales@example.com' });
  after = upsertEntity(after, 'incomingNumbers', { ...before.incomingNumbers[0]!, destination: { type: 'voicemail', boxId: 'vm-sales' }, smsCompatible: true });
  after = upsertEntity(after, 'users', { ...before.users[0]!, passwordHash: 'new' });
  after = removeEntity(after, 'users', 'u102');
  const lines = diffConfigs(before, after).map(describeChange);
  assert.ok(lines.includes('Settings Global settings changed: Language: English → Deutsch'), lines.join('\n'));
  assert.ok(lines.includes('Voicemail box Sales added'), lines.join('\n'));
  assert.ok(lines.includes('User Alice Martin (101) changed: Password changed'), lines.join('\n'));
  assert.ok(lines.includes('User Bob Durand (102) removed'), lines.join('\n'));
  assert.ok(
    lines.includes('Incoming number +33100000101 (Main line) changed: Destination: user Alice Martin (101) → voicemail box Sales; SMS compatible: No → Yes'),
    lines.join('\n'),
  );
  const hashes = lines.filter((l) => l.includes('hash-101') || l.includes('new'));
  assert.equal(hashes, [], 'secrets never appear in the diff');
});

test('forwarding chains read as sentences', () => {
  const before = sampleConfig();
  const alice = before.users[0]!;
  const after = upsertEntity(before, 'users', {
    ...alice,
    forwardings: { ...alice.forwardings, noAnswer: { enabled: true, afterSeconds: 15, targets: [{ type: 'user', userId: 'u102' }], voicemailLastResort: true } },
  });
  const [change] = diffConfigs(before, after);
  assert.equal(change?.details, ['Forwarding on no answer: after 20 s: voicemail as a last resort → after 15 s: user Bob Durand (102), then voicemail as a last resort']);
  const off = upsertEntity(before, 'users', { ...alice, forwardings: { ...alice.forwardings, noAnswer: { ...alice.forwardings.noAnswer, enabled: false } } });
  assert.equal(diffConfigs(before, off)[0]?.details, ['Forwarding on no answer: after 20 s: voicemail as a last resort → off']);
});

test('conference rooms: added, their PIN named but never shown, a number routed to one', () => {
  const before = sampleConfig();
  let after = upsertEntity(before, 'conferenceRooms', { id: 'conf-1', name: 'Weekly', pin: '', maxParticipants: 10 });
  after = upsertEntity(after, 'incomingNumbers', { ...before.incomingNumbers[0]!, destination: { type: 'conference', roomId: 'conf-1' } });
  assert.equal(diffConfigs(before, after).map(describeChange).sort(), [
    'Conference room Weekly added',
    'Incoming number +33100000101 (Main line) changed: Destination: user Alice Martin (101) → conference room Weekly',
  ]);
  const changed = upsertEntity(after, 'conferenceRooms', { id: 'conf-1', name: 'Weekly', pin: '97531', maxParticipants: 5 });
  const lines = diffConfigs(after, changed).map(describeChange);
  assert.equal(lines, ['Conference room Weekly changed: PIN changed; Maximum participants: 10 → 5']);
});

test("an audio message's new text audio: the text's beginning, the length in minutes, the file named only", () => {
  const before = upsertEntity(sampleConfig(), 'audioMessages', { id: 'am-1', name: 'Welcome', source: 'none', voice: null, text: null, textLanguage: null, fileId: null, durationMs: null });
  const text = 'Thank you for calling. '.repeat(20);
  const after = upsertEntity(before, 'audioMessages', { id: 'am-1', name: 'Welcome', source: 'text', voice: 'roa/fr', text, textLanguage: null, fileId: 'f-1', durationMs: 65_400 });
  const [change] = diffConfigs(before, after);
  assert.equal(change!.details, ['Source: none → text', 'Voice: none → roa/fr', `Text: none → ${text.slice(0, 77)}…`, 'Audio changed', 'Length: none → 1:05']);
});

test.run();
