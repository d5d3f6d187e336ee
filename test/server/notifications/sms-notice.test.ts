// SMS e-mails: the words in each language, the text carried as it came, and one notice per SMS in
// the outbox however often it is asked for (start-up catch-up included).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Language } from '../../../data/schema.ts';
import { SmsStore, type SmsMessage } from '../../../data/sms-store.ts';
import { Outbox } from '../../../server/notifications/outbox.ts';
import { composeSmsNotice, SmsNotices, smsNoticeId } from '../../../server/notifications/sms-notice.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';

const test = suite('notifications/sms-notice');
const dirs: string[] = [];
const logger = pino({ level: 'silent' });

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const sms: SmsMessage = {
  id: 'sms-abc',
  numberId: 'n-main',
  to: '+33100000101',
  from: '+33612345678',
  text: 'Rappelez-moi <b>vite</b>\nMerci',
  receivedAt: '2026-03-02T09:15:00.000Z',
  carrierMessageId: null,
  carrierSentAt: null,
  emailTo: 'sales@example.com',
  emailSource: 'number',
  noticeQueuedAt: null,
};

test('the e-mail in each language: subject, intro, sender, number, date, the text as it came', () => {
  const expected: Record<Language, { subject: string; lines: string[]; date: RegExp }> = {
    en: { subject: 'SMS from +33612345678 to +33100000101', lines: ['New SMS received on +33100000101 (Main line).', 'From: +33612345678', 'To: +33100000101 (Main line)', 'Message: '], date: /^Date: Monday,? 2 March 2026,? at 10:15$/ },
    fr: { subject: 'SMS de +33612345678 pour +33100000101', lines: ['Nouveau SMS reçu sur le +33100000101 (Main line).', 'De : +33612345678', 'À : +33100000101 (Main line)', 'Message : '], date: /^Date : lundi 2 mars 2026,? à 10:15$/ },
    es: { subject: 'SMS de +33612345678 para +33100000101', lines: ['Nuevo SMS recibido en el +33100000101 (Main line).', 'De: +33612345678', 'Para: +33100000101 (Main line)', 'Mensaje: '], date: /^Fecha: lunes, 2 de marzo de 2026,? 10:15$/ },
    de: { subject: 'SMS von +33612345678 an +33100000101', lines: ['Neue SMS auf +33100000101 (Main line) empfangen.', 'Von: +33612345678', 'An: +33100000101 (Main line)', 'Nachricht: '], date: /^Datum: Montag, 2\. März 2026( um)? 10:15$/ },
  };
  for (const [language, { subject, lines, date }] of Object.entries(expected) as [Language, (typeof expected)['en']][]) {
    const notice = composeSmsNotice(sms, 'Main line', language, 'Europe/Paris');
    assert.is(notice.subject, subject, language);
    const body = notice.text.split('\n').map((l) => l.replace(/\u00a0/g, ' ').replace(/\u202f/g, ' '));
    for (const line of lines) assert.ok(body.includes(line), `${language}: "${line}" in\n${notice.text}`);
    assert.ok(body.some((l) => date.test(l)), `${language}: the date in\n${notice.text}`);
    assert.ok(notice.text.includes('Rappelez-moi <b>vite</b>\nMerci'), 'the text as it came');
  }
  assert.ok(composeSmsNotice(sms, '', 'en').text.startsWith('New SMS received on +33100000101.'));
});

test('one notice per SMS in the outbox, however often it is asked for; none without an address', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-sms-notice-'));
  dirs.push(dir);
  const store = await SmsStore.open(dir);
  const outbox = await Outbox.open(dir, { transport: null, from: 'pbx@localhost', logger });
  const until = new Date(Date.now() + 60_000);
  const mailed = (await store.record({ ...sms, emailTo: 'sales@example.com' }, { key: 'a', until })).message;
  const unmailed = (await store.record({ ...sms, emailTo: null, emailSource: null }, { key: 'b', until })).message;
  const notices = new SmsNotices({ store, outbox, config: sampleConfig, logger });
  await Promise.all([notices.catchUp(), notices.notify(mailed.id), notices.notify(mailed.id), notices.notify(unmailed.id)]);
  await notices.notify(mailed.id);
  assert.equal(outbox.list().map((n) => [n.id, n.kind, n.subjectId, n.to]), [[smsNoticeId(mailed.id), 'sms', mailed.id, 'sales@example.com']]);
  assert.type(store.get(mailed.id)!.noticeQueuedAt, 'string');
  assert.equal(store.awaitingNotice(), []);
  await outbox.close();
});

test.run();
