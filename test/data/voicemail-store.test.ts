import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnknownMessageError, userVoicemailBox, VoicemailStore, type VoicemailMessage } from '../../data/voicemail-store.ts';
import type { PbxConfig, VoicemailBox } from '../../data/schema.ts';
import { sineTone } from '../../media/audio/wav.ts';
import { OPUS_FRAME_SAMPLES, OpusEncoder } from '../../media/codec/opus.ts';
import { readOggOpusFile, scanOggPages } from '../../media/rtp/ogg-opus-reader.ts';
import { OggOpusWriter } from '../../media/rtp/ogg-opus-writer.ts';
import type { VoicemailDeposit, VoicemailListening } from '../../server/calls/ports.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

const test = suite('data/voicemail-store');
const dirs: string[] = [];

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-voicemail-'));
  dirs.push(dir);
  return dir;
}

/** The default configuration (boxes vm-u101, vm-u102) with a box's limits changed. */
function configWith(limits: Partial<VoicemailBox['limits']> = {}): PbxConfig {
  const config = sampleConfig();
  return { ...config, voicemailBoxes: config.voicemailBoxes.map((b) => (b.id === 'vm-u101' ? { ...b, limits: { ...b.limits, ...limits } } : b)) };
}

const details = (callerName = 'Jean Dupont', startedAt = '2026-03-02T09:15:00.000Z') => ({ callerName, callerNumber: '+33612345678', dialled: '101', startedAt });

let tone: Uint8Array[] | undefined;
/** Writes `seconds` of a 500 Hz tone as a recording would; `close` false leaves it unfinished. */
async function record(path: string, seconds: number, close = true): Promise<void> {
  if (!tone) {
    const encoder = new OpusEncoder();
    const pcm = sineTone(500, 10, 48000, 0.3);
    tone = [];
    for (let i = 0; i + OPUS_FRAME_SAMPLES <= pcm.length; i += OPUS_FRAME_SAMPLES) tone.push(encoder.encode(pcm.subarray(i, i + OPUS_FRAME_SAMPLES)));
    encoder.close();
  }
  const writer = await OggOpusWriter.createFile(path, { pageDurationMs: 200 });
  for (const packet of tone.slice(0, Math.round(seconds * 50))) writer.writePacket(packet);
  if (close) await writer.close();
  else await writer.flush();
}

async function openStore(dir: string, config: () => PbxConfig = () => configWith()) {
  let n = 0;
  const store = await VoicemailStore.open(dir, { config, newId: () => `msg-${++n}-${Math.random().toString(36).slice(2, 8)}` });
  const saved: { message: VoicemailMessage; box: VoicemailBox | undefined }[] = [];
  const changed: string[] = [];
  store.onMessageSaved((message, box) => saved.push({ message, box }));
  store.onChanged((boxId) => changed.push(boxId));
  return { store, saved, changed };
}

test('the store is what the call engine needs: VoicemailDeposit and VoicemailListening', async () => {
  const { store } = await openStore(await freshDir());
  const engineSide: VoicemailDeposit & VoicemailListening = store;
  assert.type(engineSide.reserve, 'function');
  const older = await store.begin('vm-u101', details('Older', '2026-03-01T10:00:00.000Z'));
  const newer = await store.begin('vm-u101', details('Newer', '2026-03-02T10:00:00.000Z'));
  const heard = await store.begin('vm-u101', details('Heard', '2026-03-03T10:00:00.000Z'));
  for (const { messageId } of [older, newer, heard]) await store.commit(messageId, 1500);
  await store.markHeard(heard.messageId);
  assert.equal(
    engineSide.newMessages('vm-u101').map((m) => [m.callerName, m.durationMs, m.audioPath]),
    [['Older', 1500, older.audioPath], ['Newer', 1500, newer.audioPath]],
    'new ones only, oldest first, with their files',
  );
});

test('begin: stored as "recording" before the file exists; commit: new, announced once', async () => {
  const dir = await freshDir();
  const { store, saved, changed } = await openStore(dir);
  const { messageId, audioPath } = await store.begin('vm-u101', details());
  assert.is(audioPath, join(dir, 'voicemail', 'vm-u101', `${messageId}.ogg`));
  assert.not.ok(existsSync(audioPath), 'no file yet');
  assert.ok((await stat(join(dir, 'voicemail', 'vm-u101'))).isDirectory(), 'its folder is ready');
  const onDisk = JSON.parse(await readFile(join(dir, 'voicemail', 'messages.json'), 'utf8'));
  assert.equal(onDisk.messages.map((m: VoicemailMessage) => [m.id, m.status]), [[messageId, 'recording']]);
  assert.equal(store.list('vm-u101'), [], 'a recording is not listed');
  assert.equal(store.counts('vm-u101'), { new: 0, heard: 0 });

  await record(audioPath, 3);
  await store.commit(messageId, 3000);
  await store.commit(messageId, 3000);
  assert.is(saved.length, 1, 'announced once');
  assert.is(saved[0]!.message.id, messageId);
  assert.is(saved[0]!.message.status, 'new');
  assert.is(saved[0]!.box?.id, 'vm-u101');
  assert.equal(changed, ['vm-u101']);
  const [message] = store.list('vm-u101');
  assert.equal({ ...message, savedAt: typeof message!.savedAt }, {
    id: messageId,
    boxId: 'vm-u101',
    callerName: 'Jean Dupont',
    callerNumber: '+33612345678',
    dialled: '101',
    startedAt: '2026-03-02T09:15:00.000Z',
    durationMs: 3000,
    status: 'new',
    savedAt: 'string',
    heardAt: null,
    noticeQueuedAt: null,
    recovered: false,
  });
  assert.equal(store.counts('vm-u101'), { new: 1, heard: 0 });
  assert.is(store.audioPath(messageId), audioPath);
});

test('commit cuts the recording to the message: what ended it (silence, a key) is not in the file', async () => {
  const { store } = await openStore(await freshDir());
  const { messageId, audioPath } = await store.begin('vm-u101', details());
  await record(audioPath, 5);
  await store.commit(messageId, 3200);
  const file = await readOggOpusFile(audioPath);
  assert.is(file.endGranule, 3200 * 48);
  assert.ok(file.endOfStream);
  assert.is(store.get(messageId)!.durationMs, 3200);
  await store.commit(messageId, 1000);
  assert.is((await readOggOpusFile(audioPath)).endGranule, 3200 * 48, 'committed once: a second commit cuts nothing');
});

test('discard removes the details and the file, and changes no count', async () => {
  const { store, changed, saved } = await openStore(await freshDir());
  const { messageId, audioPath } = await store.begin('vm-u101', details());
  await record(audioPath, 1);
  await store.discard(messageId);
  assert.not.ok(existsSync(audioPath));
  assert.is(store.get(messageId), undefined);
  assert.equal([changed, saved.length], [[], 0]);
  await store.discard(messageId).then(
    () => assert.unreachable('discarded twice'),
    (error: unknown) => assert.instance(error, UnknownMessageError),
  );
});

test('heard, new again, deleted: counts follow and each change is told once', async () => {
  const { store, changed } = await openStore(await freshDir());
  const ids: string[] = [];
  for (const [i, name] of ['Ann', 'Ben', 'Cid'].entries()) {
    const { messageId, audioPath } = await store.begin('vm-u101', details(name, `2026-03-0${i + 1}T10:00:00.000Z`));
    await record(audioPath, 1);
    await store.commit(messageId, 1000);
    ids.push(messageId);
  }
  assert.equal(store.list('vm-u101').map((m) => m.callerName), ['Cid', 'Ben', 'Ann'], 'newest first');
  changed.length = 0;
  await store.markHeard(ids[0]!);
  const heard = store.get(ids[0]!)!;
  assert.is(heard.status, 'heard');
  assert.type(heard.heardAt, 'string');
  await store.markHeard(ids[0]!);
  assert.equal(store.counts('vm-u101'), { new: 2, heard: 1 });
  assert.equal(changed, ['vm-u101'], 'marking twice tells once');
  await store.markNew(ids[0]!);
  assert.equal(store.counts('vm-u101'), { new: 3, heard: 0 });
  const path = store.audioPath(ids[1]!);
  await store.remove(ids[1]!);
  assert.not.ok(existsSync(path));
  assert.equal(store.counts('vm-u101'), { new: 2, heard: 0 });
  assert.equal(store.allCounts(), { 'vm-u101': { new: 2, heard: 0 } });
  assert.is(changed.length, 3);
  for (const call of [() => store.remove('msg-nope'), () => store.markHeard('msg-nope')]) {
    await call().then(
      () => assert.unreachable('unknown message'),
      (error: unknown) => assert.instance(error, UnknownMessageError),
    );
  }
  assert.throws(() => store.audioPath('msg-nope'), (e: unknown) => e instanceof UnknownMessageError);
  // A message being recorded cannot be heard or deleted through these.
  const { messageId: recording } = await store.begin('vm-u101', details());
  await store.markHeard(recording).then(
    () => assert.unreachable('recording'),
    (error: unknown) => assert.instance(error, UnknownMessageError),
  );
});

test('isFull counts new, heard and those being recorded against the box limit; a box that does not exist is full', async () => {
  const { store } = await openStore(await freshDir(), () => configWith({ maxMessages: 2 }));
  assert.not.ok(store.isFull('vm-u101'));
  const first = await store.begin('vm-u101', details());
  assert.not.ok(store.isFull('vm-u101'));
  const second = await store.begin('vm-u101', details());
  assert.ok(store.isFull('vm-u101'), 'a recording in progress holds its place');
  await store.commit(first.messageId, 2000);
  await store.markHeard(first.messageId);
  await store.commit(second.messageId, 2000);
  assert.ok(store.isFull('vm-u101'));
  assert.not.ok(store.isFull('vm-u102'), 'per box');
  assert.ok(store.isFull('vm-ghost'));
  await store.remove(first.messageId);
  assert.not.ok(store.isFull('vm-u101'));
  await store.discard((await store.reserve('vm-u101', details()))!.messageId);
  assert.not.ok(store.isFull('vm-u101'), 'a discarded recording gives its place back');
});

test('reserve: two callers at once for the last place of a box: one records, the other is told the box is full', async () => {
  const { store } = await openStore(await freshDir(), () => configWith({ maxMessages: 2 }));
  const kept = await store.begin('vm-u101', details('Earlier'));
  await store.commit(kept.messageId, 2000);
  const [a, b] = await Promise.all([store.reserve('vm-u101', details('Ann')), store.reserve('vm-u101', details('Ben'))]);
  assert.equal([a === null, b === null].sort(), [false, true], 'exactly one gets the place');
  const winner = (a ?? b)!;
  assert.is(store.get(winner.messageId)!.status, 'recording');
  assert.is(await store.reserve('vm-u101', details('Cid')), null, 'still full while it records');
  await store.commit(winner.messageId, 3000);
  assert.equal(store.counts('vm-u101'), { new: 2, heard: 0 }, 'never more than the box holds');
  assert.is(await store.reserve('vm-ghost', details()), null, 'a box that does not exist takes none');
});

test('messages survive a reopen, and a box disabled (Voicemail: No) keeps them', async () => {
  const dir = await freshDir();
  let config = configWith();
  const { store } = await openStore(dir, () => config);
  const { messageId, audioPath } = await store.begin('vm-u101', details());
  await record(audioPath, 1);
  await store.commit(messageId, 1000);
  assert.is(userVoicemailBox(config, 'u101')?.id, 'vm-u101');
  config = { ...config, voicemailBoxes: config.voicemailBoxes.map((b) => ({ ...b, enabled: false })) };
  assert.is(userVoicemailBox(config, 'u101'), undefined, 'a disabled box is nobody’s on the softphone');
  const { store: reopened } = await openStore(dir, () => config);
  assert.equal(reopened.list('vm-u101').map((m) => m.id), [messageId]);
  assert.ok(existsSync(reopened.audioPath(messageId)));
});

test('many callers at once: every message is kept (writes are serialised)', async () => {
  const { store } = await openStore(await freshDir());
  await Promise.all(
    Array.from({ length: 25 }, async (_, i) => {
      const { messageId } = await store.begin(i % 2 ? 'vm-u101' : 'vm-u102', details(`Caller ${i}`));
      await store.commit(messageId, 1000 + i);
    }),
  );
  assert.equal(store.counts('vm-u101'), { new: 12, heard: 0 });
  assert.equal(store.counts('vm-u102'), { new: 13, heard: 0 });
});

test('notices: saved messages wait for theirs until marked queued', async () => {
  const { store } = await openStore(await freshDir());
  const a = await store.begin('vm-u101', details('Ann'));
  const b = await store.begin('vm-u101', details('Ben'));
  await store.commit(a.messageId, 1000);
  assert.equal(store.messagesAwaitingNotice().map((m) => m.id), [a.messageId], 'not the one still recording');
  await store.markNoticeQueued(a.messageId);
  assert.equal(store.messagesAwaitingNotice(), []);
  assert.type(store.get(a.messageId)!.noticeQueuedAt, 'string');
  await store.commit(b.messageId, 1000);
  assert.equal(store.messagesAwaitingNotice().map((m) => m.id), [b.messageId]);
});

test('start-up after a crash: recordings are repaired and kept, or dropped when too short', async () => {
  const dir = await freshDir();
  const first = await openStore(dir, () => configWith({ minMessageSeconds: 2 }));
  // Killed while a caller spoke for 4 s: the last page torn.
  const long = await first.store.begin('vm-u101', details('Long'));
  await record(long.audioPath, 4, false);
  const pages = scanOggPages(await readFile(long.audioPath)).pages;
  await truncate(long.audioPath, pages.at(-1)!.offset + 20);
  // Killed after 1 s: under the box's 2 s minimum.
  const short = await first.store.begin('vm-u101', details('Short'));
  await record(short.audioPath, 1, false);
  // Killed before any audio: the file does not even exist.
  const none = await first.store.begin('vm-u101', details('None'));
  // Killed after the headers only.
  const headers = await first.store.begin('vm-u102', details('Headers'));
  await writeFile(headers.audioPath, (await readFile(long.audioPath)).subarray(0, pages[2]!.offset));
  // An earlier message, already saved, is not touched.
  const earlier = await first.store.begin('vm-u101', details('Earlier'));
  await record(earlier.audioPath, 2);
  await first.store.commit(earlier.messageId, 2000);
  const earlierBytes = await readFile(earlier.audioPath);

  const { store, saved, changed } = await openStore(dir, () => configWith({ minMessageSeconds: 2 }));
  const report = await store.recoverInterrupted();
  assert.equal(report.saved, [long.messageId]);
  assert.equal(report.discarded.sort(), [short.messageId, none.messageId, headers.messageId].sort());
  for (const id of report.discarded) assert.is(store.get(id), undefined);
  assert.not.ok(existsSync(short.audioPath));
  const kept = store.get(long.messageId)!;
  assert.is(kept.status, 'new');
  assert.ok(kept.recovered);
  // Pages of 200 ms: the torn one is dropped, 3.8 s remain (less the decoder's pre-skip).
  assert.is(kept.durationMs, Math.round(3800 - 312 / 48));
  assert.equal(saved.map((s) => s.message.id), [long.messageId], 'announced like any message: its notice goes out');
  assert.equal(changed, ['vm-u101']);
  const repaired = await readOggOpusFile(long.audioPath);
  assert.ok(repaired.endOfStream);
  const ffmpeg = spawnSync('ffmpeg', ['-v', 'warning', '-i', long.audioPath, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.is(ffmpeg.status, 0);
  assert.is(ffmpeg.stderr, '', 'ffmpeg reads the repaired file without a warning');
  assert.ok(earlierBytes.equals(await readFile(earlier.audioPath)));
  assert.equal(store.counts('vm-u101'), { new: 2, heard: 0 });
  // Nothing left to do the next time.
  assert.equal(await store.recoverInterrupted(), { saved: [], discarded: [] });
});

test.run();
