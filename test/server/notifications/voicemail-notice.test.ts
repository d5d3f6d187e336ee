// Voicemail e-mails: the words in each language, and the whole path from a saved message to an
// e-mail received by a real SMTP server, with its MP3 decoded and compared with the recording.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MPEGDecoder } from 'mpg123-decoder';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Language, PbxConfig } from '../../../data/schema.ts';
import { VoicemailStore, type VoicemailMessage } from '../../../data/voicemail-store.ts';
import { sineTone } from '../../../media/audio/wav.ts';
import { readMp3FrameHeader } from '../../../media/codec/mp3-info-tag.ts';
import { Mp3Streams } from '../../../media/codec/mp3-streams.ts';
import { Recorder } from '../../../media/recorder/recorder.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { concatFloat32 } from '../../../media/dsp/samples.ts';
import { readFile } from 'node:fs/promises';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../../media/codec/opus.ts';
import { OggOpusWriter } from '../../../media/rtp/ogg-opus-writer.ts';
import { Outbox, smtpTransport } from '../../../server/notifications/outbox.ts';
import { composeVoicemailNotice, VoicemailNotices, voicemailNoticeId } from '../../../server/notifications/voicemail-notice.ts';
import { sampleConfig } from '../../data/fixtures/sample-config.ts';
import { dominantFrequency } from '../../media/signal.ts';
import { startSmtpServer } from '../../support/smtp.ts';

const test = suite('notifications/voicemail-notice');
const dirs: string[] = [];
const logger = pino({ level: 'silent' });

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const message: VoicemailMessage = {
  id: 'msg-abc',
  boxId: 'vm-u101',
  callerName: 'Jean Dupont',
  callerNumber: '+33612345678',
  dialled: '+33100000101',
  startedAt: '2026-03-02T09:15:00.000Z',
  durationMs: 42_400,
  status: 'new',
  savedAt: '2026-03-02T09:16:00.000Z',
  heardAt: null,
  noticeQueuedAt: null,
  recovered: false,
};
const box = sampleConfig().voicemailBoxes.find((b) => b.id === 'vm-u101')!;

test('the notice in each language: subject, caller, number called, date, duration, box, link', () => {
  // Dates come from the runtime's ICU data, whose punctuation varies between versions: the date
  // line is checked for its parts.
  const expected: Record<Language, { subject: string; lines: string[]; date: RegExp }> = {
    en: {
      subject: 'New voicemail from Jean Dupont (0:42)',
      lines: ['You have a new voicemail message in the box “Alice Martin”.', 'From: Jean Dupont (+33612345678)', 'Number called: +33100000101', 'Duration: 0:42', 'The recording is attached (MP3).', 'Listen to it in your softphone:'],
      date: /^Date: Monday,? 2 March 2026,? at 10:15$/,
    },
    fr: {
      subject: 'Nouveau message vocal de Jean Dupont (0:42)',
      lines: ['Vous avez un nouveau message vocal dans la boîte « Alice Martin ».', 'De : Jean Dupont (+33612345678)', 'Numéro appelé : +33100000101', 'Durée : 0:42', 'L’enregistrement est joint (MP3).'],
      date: /^Date : lundi 2 mars 2026,? à 10:15$/,
    },
    es: {
      subject: 'Nuevo mensaje de voz de Jean Dupont (0:42)',
      lines: ['Tiene un nuevo mensaje de voz en el buzón «Alice Martin».', 'De: Jean Dupont (+33612345678)', 'Número marcado: +33100000101', 'Duración: 0:42', 'La grabación va adjunta (MP3).'],
      date: /^Fecha: lunes, 2 de marzo de 2026,? 10:15$/,
    },
    de: {
      subject: 'Neue Sprachnachricht von Jean Dupont (0:42)',
      lines: ['Sie haben eine neue Sprachnachricht in der Mailbox „Alice Martin“.', 'Von: Jean Dupont (+33612345678)', 'Gewählte Nummer: +33100000101', 'Dauer: 0:42', 'Die Aufnahme ist angehängt (MP3).'],
      date: /^Datum: Montag, 2\. März 2026,? um 10:15$/,
    },
  };
  for (const [language, { subject, lines, date }] of Object.entries(expected) as [Language, (typeof expected)[Language]][]) {
    const notice = composeVoicemailNotice(message, box, language, { publicUrl: 'https://pbx.example/', attached: true, timeZone: 'Europe/Paris' });
    assert.is(notice.subject, subject, language);
    const text = notice.text.replace(/\u202f|\u00a0/g, ' ');
    const textLines = text.split('\n');
    for (const line of lines) assert.ok(textLines.includes(line), `${language}: "${line}" in\n${text}`);
    assert.ok(textLines.some((line) => date.test(line)), `${language}: a date line like ${date} in\n${text}`);
    assert.ok(textLines.includes('https://pbx.example/phone/#voicemail/msg-abc'), language);
    assert.is(notice.attachmentName, 'voicemail-20260302-0915-33612345678.mp3');
  }
  const anonymous = composeVoicemailNotice({ ...message, callerName: '', callerNumber: '', recovered: true }, box, 'en', { publicUrl: 'http://localhost:8080', attached: false });
  assert.is(anonymous.subject, 'New voicemail from Unknown caller (0:42)');
  assert.ok(anonymous.text.includes('The recording could not be attached.'));
  assert.ok(anonymous.text.includes('recovered after the PBX restarted'));
  const web = composeVoicemailNotice({ ...message, callerName: '', callerNumber: 'web' }, box, 'en', { publicUrl: 'http://localhost:8080', attached: true });
  assert.is(web.subject, 'New voicemail from web caller (0:42)');
});

async function recordTone(path: string, seconds: number, hz: number): Promise<void> {
  const encoder = new OpusEncoder();
  const pcm = sineTone(hz, seconds, 48000, 0.3);
  const writer = await OggOpusWriter.createFile(path);
  for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) writer.writePacket(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
  encoder.close();
  await writer.close();
}

test('a saved message arrives by e-mail once, in the global language, with an MP3 that plays the recording', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-notice-'));
  dirs.push(dir);
  const base = sampleConfig();
  const config: PbxConfig = { ...base, settings: { ...base.settings, language: 'fr' } };
  const smtp = await startSmtpServer();
  const store = await VoicemailStore.open(dir, { config: () => config });
  const outbox = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`), from: 'Switchboard <switchboard@pbx.example>', logger });
  const notices = new VoicemailNotices({ store, outbox, config: () => config, publicUrl: 'https://pbx.example', logger });
  try {
    notices.start();
    const { messageId, audioPath } = await store.begin('vm-u101', { callerName: 'Jean Dupont', callerNumber: '+33612345678', dialled: '101', startedAt: new Date().toISOString() });
    await recordTone(audioPath, 3, 700);
    await store.commit(messageId, 3000);
    await notices.idle();
    assert.type(store.get(messageId)!.noticeQueuedAt, 'string');
    const [mail] = await smtp.waitForMessages(1);
    assert.is(mail!.subject, 'Nouveau message vocal de Jean Dupont (0:03)');
    assert.equal(mail!.to && 'text' in mail!.to ? mail!.to.text : '', 'alice@example.com');
    assert.equal(mail!.from?.value, [{ name: 'Switchboard', address: 'switchboard@pbx.example' }]);
    assert.is(mail!.messageId, `<${voicemailNoticeId(messageId)}@pbx.example>`);
    assert.ok(mail!.text!.includes('Vous avez un nouveau message vocal dans la boîte « Alice Martin ».'));
    assert.ok(mail!.text!.includes(`https://pbx.example/phone/#voicemail/${messageId}`));
    assert.is(mail!.attachments.length, 1);
    const attachment = mail!.attachments[0]!;
    assert.is(attachment.contentType, 'audio/mpeg');
    assert.match(attachment.filename!, /^voicemail-\d{8}-\d{4}-33612345678\.mp3$/);
    const decoder = new MPEGDecoder();
    await decoder.ready;
    const decoded = decoder.decode(new Uint8Array(attachment.content));
    decoder.free();
    // (mpg123's wasm build always hands out two channels; the stream itself says mono.)
    assert.ok(readMp3FrameHeader(new Uint8Array(attachment.content))?.mono, 'mono');
    const seconds = decoded.samplesDecoded / decoded.sampleRate;
    assert.ok(Math.abs(seconds - (3 - 312 / 48000)) < 0.1, `${seconds} s`);
    assert.is(dominantFrequency(decoded.channelData[0]!.subarray(4800, 48000), decoded.sampleRate, 300, 1500, 5), 700);
    // Asked again (a second commit, a catch-up): still one notice, one e-mail.
    await store.commit(messageId, 3000);
    await notices.notify(messageId);
    await notices.catchUp();
    await new Promise((r) => setTimeout(r, 300));
    assert.is(smtp.messages.length, 1);
    assert.equal(outbox.list().map((n) => [n.id, n.status]), [[voicemailNoticeId(messageId), 'sent']]);
  } finally {
    notices.stop();
    await outbox.close();
    await smtp.close();
  }
});

test('a stop between saving and queueing the notice: start-up catches up, one e-mail', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-notice-'));
  dirs.push(dir);
  const config = sampleConfig();
  // Saved while nothing listened (as if the PBX stopped right after the commit).
  const before = await VoicemailStore.open(dir, { config: () => config });
  const { messageId, audioPath } = await before.begin('vm-u102', { callerName: '', callerNumber: '101', dialled: '102', startedAt: new Date().toISOString() });
  await recordTone(audioPath, 2, 500);
  await before.commit(messageId, 2000);

  const smtp = await startSmtpServer();
  const store = await VoicemailStore.open(dir, { config: () => config });
  const outbox = await Outbox.open(dir, { transport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`), from: 'pbx@localhost', logger });
  const notices = new VoicemailNotices({ store, outbox, config: () => config, publicUrl: 'http://localhost:8080', logger });
  try {
    notices.start();
    const [mail] = await smtp.waitForMessages(1);
    assert.is(mail!.subject, 'New voicemail from 101 (0:02)');
    await notices.idle();
    assert.equal(store.messagesAwaitingNotice(), []);
    // The outbox has it but the store was not told (a stop in between): no second notice.
    await store.markNoticeQueued(messageId);
    await new Promise((r) => setTimeout(r, 200));
    assert.is(smtp.messages.length, 1);
  } finally {
    notices.stop();
    await outbox.close();
    await smtp.close();
  }
});

test('the recording cannot be converted: the notice goes without it, saying so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-notice-'));
  dirs.push(dir);
  const config = sampleConfig();
  const store = await VoicemailStore.open(dir, { config: () => config });
  const outbox = await Outbox.open(dir, { transport: null, from: 'pbx@localhost', logger });
  const notices = new VoicemailNotices({ store, outbox, config: () => config, publicUrl: 'http://localhost:8080', logger });
  notices.start();
  const { messageId } = await store.begin('vm-u101', { callerName: 'Ann', callerNumber: '102', dialled: '101', startedAt: new Date().toISOString() });
  await store.commit(messageId, 5000); // no file at all
  await notices.idle();
  const [notice] = outbox.list();
  assert.equal(notice!.attachments, []);
  assert.ok(notice!.text.includes('The recording could not be attached.'));
  notices.stop();
  await outbox.close();
});

/** Seconds of audio in an MP3 (mpg123). */
async function mp3Seconds(mp3: Uint8Array): Promise<number> {
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const decoded = decoder.decode(mp3);
  decoder.free();
  return decoded.samplesDecoded / decoded.sampleRate;
}

test('the MP3 made while the message was recorded is the one attached; a trimmed end stays out of it either way', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-notice-'));
  dirs.push(dir);
  const config = sampleConfig();
  const store = await VoicemailStore.open(dir, { config: () => config });
  const outbox = await Outbox.open(dir, { transport: null, from: 'pbx@localhost', logger });
  const streams = new Mp3Streams({ backlogSeconds: 1 });
  const made: boolean[] = [];
  const mp3Streams = {
    finish: async (path: string, endMs: number) => {
      const mp3 = await streams.finish(path, endMs);
      made.push(mp3 !== undefined);
      return mp3;
    },
  };
  const notices = new VoicemailNotices({ store, outbox, config: () => config, publicUrl: 'http://localhost:8080', logger, mp3Streams });
  const attached = async (messageId: string) => {
    const notice = outbox.list().find((n) => n.subjectId === messageId)!;
    return new Uint8Array(await readFile(outbox.attachmentPath(notice.id, 0).path));
  };
  try {
    notices.start();
    // 3 s of speech-like sound, then 4 s of silence the message ends on (trimmed from it).
    const { messageId, audioPath } = await store.begin('vm-u101', { callerName: 'Ann', callerNumber: '102', dialled: '101', startedAt: new Date().toISOString() });
    const recorder = await Recorder.toFile(audioPath, { silenceSeconds: 10, mp3Streams: streams });
    encodeOpusClip(concatFloat32([sineTone(600, 3, 48000, 0.3), new Float32Array(48000 * 4)])).frames.forEach((frame, i) => recorder.push(frame, i * 960));
    const result = await recorder.close();
    await store.commit(messageId, result.durationMs - result.trailingSilenceMs);
    await notices.idle();
    assert.equal(made, [true], 'made while recorded');
    const seconds = await mp3Seconds(await attached(messageId));
    assert.ok(Math.abs(seconds - 3) < 0.1, `the streamed MP3 lasts ${seconds} s, the message 3 s`);

    // A message recovered after a restart has no stream: its MP3 comes from the file, cut the same way.
    const recovered = await store.begin('vm-u101', { callerName: 'Ben', callerNumber: '103', dialled: '101', startedAt: new Date().toISOString() });
    await recordTone(recovered.audioPath, 5, 500);
    await store.commit(recovered.messageId, 2000);
    await notices.idle();
    assert.equal(made, [true, false]);
    const fromFile = await mp3Seconds(await attached(recovered.messageId));
    assert.ok(Math.abs(fromFile - 2) < 0.1, `the MP3 from the file lasts ${fromFile} s, the message 2 s`);
  } finally {
    notices.stop();
    await outbox.close();
    await streams.close();
  }
});

test.run();
