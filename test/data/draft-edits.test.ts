import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EditRefused, removeEntity, syncUserVoicemailBox, upsertEntity } from '../../data/draft-edits.ts';
import { defaultForwardings } from '../../data/default-config.ts';
import { validateConfig } from '../../data/validate.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

const newUser = { id: 'u-carol', name: 'Carol', email: 'carol@example.com', extension: '103', passwordHash: 'h', voicemail: true, forwardings: defaultForwardings() };

test('Voicemail Yes creates the user box with the user e-mail, in the same draft', () => {
  const config = syncUserVoicemailBox(upsertEntity(sampleConfig(), 'users', newUser), newUser.id, () => 'vm-new');
  const box = config.voicemailBoxes.find((b) => b.id === 'vm-new');
  assert.ok(box);
  assert.is(box.email, 'carol@example.com');
  assert.equal(box.owner, { type: 'user', userId: 'u-carol' });
  assert.is(box.limits.maxMessageSeconds, 180);
  assert.equal(validateConfig(config), []);
});

test('Voicemail No disables the box but keeps it; Yes again re-enables the same box', () => {
  let config = syncUserVoicemailBox(upsertEntity(sampleConfig(), 'users', newUser), newUser.id, () => 'vm-new');
  config = syncUserVoicemailBox(upsertEntity(config, 'users', { ...newUser, voicemail: false }), newUser.id, () => 'vm-other');
  assert.is(config.voicemailBoxes.find((b) => b.id === 'vm-new')?.enabled, false);
  config = syncUserVoicemailBox(upsertEntity(config, 'users', { ...newUser, email: 'c2@example.com' }), newUser.id, () => 'vm-other');
  const box = config.voicemailBoxes.find((b) => b.id === 'vm-new');
  assert.is(box?.enabled, true);
  assert.is(box?.email, 'c2@example.com');
  assert.not.ok(config.voicemailBoxes.some((b) => b.id === 'vm-other'));
});

test('removing a user keeps the box (disabled, as a box added by hand)', () => {
  const config = removeEntity(sampleConfig(), 'users', 'u102');
  const box = config.voicemailBoxes.find((b) => b.id === 'vm-u102');
  assert.equal(box?.owner, { type: 'manual' });
  assert.is(box?.enabled, false);
});

test("a user's own box cannot be deleted directly", () => {
  assert.throws(() => removeEntity(sampleConfig(), 'voicemailBoxes', 'vm-u101'), (e: unknown) => e instanceof EditRefused);
});

test.run();
