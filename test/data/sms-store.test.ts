// Incoming SMS storage: stored once per signed request and per carrier message id, kept across a
// reopen, listed per number newest first, and bounded (age, count per number).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SmsStore, type NewSms } from '../../data/sms-store.ts';

const test = suite('data/sms-store');
const dirs: string[] = [];

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-sms-'));
  dirs.push(dir);
  return dir;
}

const sms = (text: string, more: Partial<NewSms> = {}): NewSms => ({
  numberId: 'n-main',
  to: '+33100000101',
  from: '+33612345678',
  text,
  carrierMessageId: null,
  carrierSentAt: null,
  emailTo: 'sales@example.com',
  emailSource: 'number',
  ...more,
});

test('a request stored once while it can be replayed; a carrier id once per number; kept across a reopen', async () => {
  const dir = await freshDir();
  let clock = Date.parse('2026-11-25T10:00:00Z');
  let next = 0;
  const options = { now: () => new Date(clock), newId: () => `sms-${++next}` };
  const store = await SmsStore.open(dir, options);
  const until = new Date(clock + 5 * 60_000);
  const [a, b, c] = await Promise.all([store.record(sms('hello'), { key: 'k1', until }), store.record(sms('hello'), { key: 'k1', until }), store.record(sms('other'), { key: 'k2', until })]);
  assert.equal([a!.message.id, a!.duplicate, b!.message.id, b!.duplicate, c!.message.id, c!.duplicate], ['sms-1', false, 'sms-1', true, 'sms-2', false]);
  assert.is(store.findByRequest('k1')?.id, 'sms-1');
  const carrier = await store.record(sms('via carrier', { carrierMessageId: 'c-9' }), { key: 'k3', until });
  assert.is((await store.record(sms('via carrier', { carrierMessageId: 'c-9' }), { key: 'k4', until })).message.id, carrier.message.id);
  assert.is((await store.record(sms('same id, other number', { carrierMessageId: 'c-9', numberId: 'n-2' }), { key: 'k5', until })).duplicate, false);

  clock += 5 * 60_000 + 1000;
  assert.is(store.findByRequest('k1'), undefined, 'forgotten once the timestamp would be refused anyway');
  const reopened = await SmsStore.open(dir, options);
  assert.equal(reopened.list('n-main').map((m) => m.text), ['via carrier', 'other', 'hello']);
  assert.equal(reopened.counts(), { 'n-main': 3, 'n-2': 1 });
  assert.equal(reopened.awaitingNotice().map((m) => m.id), ['sms-1', 'sms-2', 'sms-3', 'sms-4']);
  await reopened.markNoticeQueued('sms-1');
  assert.type(reopened.get('sms-1')!.noticeQueuedAt, 'string');
  assert.is(reopened.awaitingNotice().length, 3);
});

test('retention: older than the maximum age goes, and each number keeps its newest', async () => {
  const dir = await freshDir();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let next = 0;
  const options = { now: () => new Date(clock), newId: () => `sms-${String(++next).padStart(3, '0')}`, retention: { maxAgeMs: 10 * 24 * 3600_000, maxPerNumber: 3 } };
  const store = await SmsStore.open(dir, options);
  for (let i = 1; i <= 5; i++) {
    await store.record(sms(`main ${i}`), { key: `m${i}`, until: new Date(clock) });
    clock += 3600_000;
  }
  await store.record(sms('other', { numberId: 'n-2' }), { key: 'o', until: new Date(clock) });
  assert.equal(store.list('n-main').map((m) => m.text), ['main 5', 'main 4', 'main 3']);
  clock += 10 * 24 * 3600_000; // main 5 is now 10 days and 1 hour old, 'other' exactly 10 days
  await store.record(sms('fresh', { numberId: 'n-2' }), { key: 'f', until: new Date(clock) });
  assert.equal(store.list('n-main').map((m) => m.text), [], 'ten days old');
  assert.equal(store.list('n-2').map((m) => m.text), ['fresh', 'other']);
  clock += 2 * 3600_000;
  assert.equal((await SmsStore.open(dir, options)).list('n-2').map((m) => m.text), ['fresh'], 'pruned at start too');
});

test.run();
