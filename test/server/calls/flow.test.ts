// Routing decisions as data: what a call to a user, a box or a number plans to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultForwardings } from '../../../data/default-config.ts';
import { upsertEntity } from '../../../data/draft-edits.ts';
import type { PbxConfig, User } from '../../../data/schema.ts';
import { DEFAULT_RING_SECONDS, planDestination, planNotInService, resolveDialled } from '../../../server/calls/flow.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';

const withAlice = (edit: (alice: User) => User): PbxConfig => {
  const config = sampleConfig();
  return upsertEntity(config, 'users', edit(config.users[0]!));
};
const toAlice = { type: 'user' as const, userId: 'u101' };

test('dialled extensions and numbers resolve; the public page may not dial extensions', () => {
  const config = sampleConfig();
  assert.equal(resolveDialled(config, '102', { extensionsAllowed: true }), { type: 'user', userId: 'u102' });
  assert.is(resolveDialled(config, '102', { extensionsAllowed: false }), 'extension-refused');
  assert.equal(resolveDialled(config, '+33100000101', { extensionsAllowed: false }), toAlice);
  assert.is(resolveDialled(config, '999', { extensionsAllowed: true }), null);
  assert.equal(planNotInService(), [{ type: 'play', prompt: 'not-in-service' }, { type: 'hangup', reason: 'not-in-service' }]);
});

test('without forwarding: ring, then busy or not available', () => {
  const config = withAlice((alice) => ({ ...alice, forwardings: { ...alice.forwardings, noAnswer: { ...alice.forwardings.noAnswer, enabled: false } } }));
  assert.equal(planDestination(config, toAlice), [
    {
      type: 'ring',
      userId: 'u101',
      seconds: DEFAULT_RING_SECONDS,
      onBusy: [{ type: 'play', prompt: 'busy' }, { type: 'hangup', reason: 'busy' }],
      onNoAnswer: [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'no-answer' }],
    },
  ]);
});

test("a new user's default: voicemail after 20 s of ringing", () => {
  const [ring] = planDestination(sampleConfig(), toAlice);
  assert.is(ring?.type === 'ring' && ring.seconds, 20);
  assert.equal(ring?.type === 'ring' && ring.onNoAnswer, [{ type: 'voicemail', boxId: 'vm-u101' }]);
});

test("no answer: the chain rings each target for N seconds, then the user's own box", () => {
  const config = withAlice((alice) => ({
    ...alice,
    forwardings: { ...alice.forwardings, noAnswer: { enabled: true, afterSeconds: 15, targets: [{ type: 'user', userId: 'u102' }], voicemailLastResort: true } },
  }));
  const [ring] = planDestination(config, toAlice);
  assert.is(ring?.type === 'ring' && ring.seconds, 15);
  assert.equal(ring?.type === 'ring' && ring.onNoAnswer, [
    { type: 'ring', userId: 'u102', seconds: 15 },
    { type: 'voicemail', boxId: 'vm-u101' },
  ]);
});

test('busy: the busy chain, ending in voicemail; without a last resort, "not available"', () => {
  const config = withAlice((alice) => ({
    ...alice,
    forwardings: { ...alice.forwardings, busy: { enabled: true, targets: [], voicemailLastResort: true } },
  }));
  const [ring] = planDestination(config, toAlice);
  assert.equal(ring?.type === 'ring' && ring.onBusy, [{ type: 'voicemail', boxId: 'vm-u101' }]);
  const noLastResort = withAlice((alice) => ({ ...alice, forwardings: { ...alice.forwardings, busy: { enabled: true, targets: [], voicemailLastResort: false } } }));
  const [ring2] = planDestination(noLastResort, toAlice);
  assert.equal(ring2?.type === 'ring' && ring2.onBusy, [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'no-answer' }]);
});

test('Voicemail No: the last resort is "not available", never a disabled box', () => {
  let config = withAlice((alice) => ({
    ...alice,
    voicemail: false,
    forwardings: { ...alice.forwardings, noAnswer: { enabled: true, afterSeconds: 20, targets: [], voicemailLastResort: true } },
  }));
  config = upsertEntity(config, 'voicemailBoxes', { ...config.voicemailBoxes.find((b) => b.id === 'vm-u101')!, enabled: false });
  const [ring] = planDestination(config, toAlice);
  assert.equal(ring?.type === 'ring' && ring.onNoAnswer, [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'no-answer' }]);
});

test('loops are cut: the user himself and repeated targets ring once; a box in the chain ends it', () => {
  let config = sampleConfig();
  config = upsertEntity(config, 'users', { id: 'u103', name: 'Carol', email: 'c@example.com', extension: '103', passwordHash: 'h', voicemail: false, forwardings: defaultForwardings() });
  const alice = config.users[0]!;
  config = upsertEntity(config, 'users', {
    ...alice,
    forwardings: {
      ...alice.forwardings,
      noAnswer: {
        enabled: true,
        afterSeconds: 10,
        targets: [
          { type: 'user', userId: 'u102' },
          { type: 'user', userId: 'u101' },
          { type: 'user', userId: 'u102' },
          { type: 'user', userId: 'u103' },
          { type: 'voicemail', boxId: 'vm-u102' },
          { type: 'user', userId: 'u103' },
        ],
        voicemailLastResort: true,
      },
    },
  });
  const [ring] = planDestination(config, toAlice);
  assert.equal(ring?.type === 'ring' && ring.onNoAnswer, [
    { type: 'ring', userId: 'u102', seconds: 10 },
    { type: 'ring', userId: 'u103', seconds: 10 },
    { type: 'voicemail', boxId: 'vm-u102' },
  ]);
});

test('an incoming number to a box goes straight to it; a disabled box is not available', () => {
  const config = sampleConfig();
  assert.equal(planDestination(config, { type: 'voicemail', boxId: 'vm-u102' }), [{ type: 'voicemail', boxId: 'vm-u102' }]);
  const disabled = upsertEntity(config, 'voicemailBoxes', { ...config.voicemailBoxes[1]!, enabled: false });
  assert.equal(planDestination(disabled, { type: 'voicemail', boxId: 'vm-u102' }), [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'unavailable' }]);
});

test('an incoming number to a conference room goes into it; a room that is gone is not available', () => {
  const config = upsertEntity(sampleConfig(), 'conferenceRooms', { id: 'conf-1', name: 'Team', pin: '', maxParticipants: 10 });
  assert.equal(planDestination(config, { type: 'conference', roomId: 'conf-1' }), [{ type: 'conference', roomId: 'conf-1' }]);
  assert.equal(planDestination(config, { type: 'conference', roomId: 'gone' }), [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason: 'unavailable' }]);
});

test.run();
