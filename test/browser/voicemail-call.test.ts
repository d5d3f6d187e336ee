// Voicemail from end to end, as people do it: a caller on the public caller page dials the main
// number; Alice's softphone rings and nobody answers; her forwarding rings Bob, who does not answer
// either; the caller reaches Alice's box, hears the greeting and the beep, speaks a sentence (the
// fake microphone plays speech made by eSpeak NG) and hangs up. The notice arrives at Alice's
// address on a real SMTP server on loopback, with the recording as an MP3 that really decodes to
// what the caller said; Alice's softphone shows the message waiting and plays it.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWavPcm16 } from '../../media/audio/wav.ts';
import { concatFloat32 } from '../../media/dsp/samples.ts';
import { EspeakSynthesizer } from '../../media/tts/espeak.ts';
import { ApiClient } from '../support/api-client.ts';
import { correlation, loudnessEnvelope } from '../support/envelope.ts';
import { launchBrowser } from '../support/browser.ts';
import { CallerPage, playAudio, setUpUsers, SoftphonePage, waitFor, waitForText, writeToneWav } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const RATE = 48_000;
const SENTENCE = 'Hello Alice, this is Paul from the garage. Your car is ready, you can pick it up tomorrow morning.';
/** Envelope resolution for comparing what was said with what was recorded. */
const WINDOW_MS = 50;

interface Context {
  server: RunningServer;
  smtp: TestSmtpServer;
  browsers: Browser[];
  /** What the caller's microphone plays, round and round: the sentence, then a second of silence. */
  spoken: Float32Array;
  alice: SoftphonePage;
  bob: SoftphonePage;
  caller: CallerPage;
}

const test = suite<Context>('voicemail from a call to the e-mail');

test.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-voicemail-call-'));
  const speech = await EspeakSynthesizer.load();
  ctx.spoken = concatFloat32([speech.synthesize(SENTENCE, { voice: 'en' }), new Float32Array(RATE)]);
  speech.close();
  const sentenceWav = join(dir, 'sentence.wav');
  await writeFile(sentenceWav, encodeWavPcm16(ctx.spoken, RATE));

  ctx.smtp = await startSmtpServer();
  ctx.server = await startServer({ env: { SMTP_URL: `smtp://127.0.0.1:${ctx.smtp.port}` } });
  const admin = new ApiClient(ctx.server.url);
  await admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(admin, { '101': 'alice-secret', '102': 'bob-secret' });
  // Alice: on no answer after 5 s, ring Bob for 5 s, then her own voicemail.
  const alice = (await admin.get('/api/draft/users/u101')).body;
  const forwardings = { ...alice.forwardings, noAnswer: { enabled: true, afterSeconds: 5, targets: [{ type: 'user', userId: 'u102' }], voicemailLastResort: true } };
  assert.is((await admin.put('/api/draft/users/u101', { ...alice, forwardings })).status, 200);
  assert.is((await admin.post('/api/draft/apply')).status, 200);

  const phones = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(dir, 440) });
  const callerBrowser = await launchBrowser({ fakeMicrophoneWav: sentenceWav });
  ctx.browsers = [phones, callerBrowser];
  ctx.alice = await SoftphonePage.open(await phones.newContext({ viewport: { width: 1100, height: 860 } }), ctx.server.url);
  await ctx.alice.signInOnline('101', 'alice-secret');
  ctx.bob = await SoftphonePage.open(await phones.newContext(), ctx.server.url);
  await ctx.bob.signInOnline('102', 'bob-secret');
  ctx.caller = await CallerPage.open(await callerBrowser.newContext(), ctx.server.url);
});

test.after(async (ctx) => {
  for (const browser of ctx.browsers ?? []) await browser.close();
  await ctx.server?.stop();
  await ctx.smtp?.close();
});



/**
 * How well the recording's loudness follows what the microphone said: the best correlation over
 * every starting point in the looped source (the recording starts wherever the loop was at the beep).
 */
function bestEnvelopeCorrelation(recorded: Float32Array, source: Float32Array): number {
  const recordedEnvelope = loudnessEnvelope(recorded, RATE, WINDOW_MS, { decibels: true });
  const sourceEnvelope = loudnessEnvelope(source, RATE, WINDOW_MS, { decibels: true });
  const looped = [...sourceEnvelope, ...sourceEnvelope, ...sourceEnvelope];
  let best = -1;
  for (let lag = 0; lag < sourceEnvelope.length; lag++) {
    best = Math.max(best, correlation(recordedEnvelope, looped.slice(lag, lag + recordedEnvelope.length)));
  }
  return best;
}

test('the caller leaves a message after the chain; the e-mail brings it as an MP3 that sounds like what was said', async (ctx) => {
  const { alice, bob, caller, smtp } = ctx;
  await caller.callListed('Main line');
  await alice.waitForIncoming();
  // Nobody answers: after Alice's 5 s, Bob's phone rings, and Alice's stops.
  await bob.waitForIncoming(12_000);
  assert.not.ok(await alice.ringing(), "Alice's phone stopped ringing when the chain moved on");
  await waitFor('Bob to stop ringing', () => bob.ringing(), (ringing) => !ringing, 12_000);

  // The greeting, then the beep (1 kHz): the recording starts when the beep ends.
  await waitFor('the beep', async () => (await caller.listen(150, [1000]))[0]?.probes[0] ?? -200, (db) => db > -30, 30_000);
  await waitFor('the end of the beep', async () => (await caller.listen(100, [1000]))[0]?.probes[0] ?? -200, (db) => db < -50, 5_000);
  const recordingStarted = Date.now();
  await caller.screenshot(SCREENSHOTS, 'voicemail-caller-recording');
  await new Promise((resolve) => setTimeout(resolve, 9_000));
  await caller.hangUp();
  const spokenMs = Date.now() - recordingStarted;

  const [mail] = await smtp.waitForMessages(1, 30_000);
  assert.ok(mail);
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['alice@example.com']);
  assert.match(mail.subject ?? '', /voicemail|message/i);
  assert.match(mail.text ?? '', /Web caller/);
  assert.match(mail.text ?? '', /\+33100000101/);
  const mp3 = mail.attachments.find((a) => a.contentType === 'audio/mpeg');
  assert.ok(mp3, 'the recording is attached as an MP3');
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-mp3-'));
  const mp3Path = join(dir, 'message.mp3');
  await writeFile(mp3Path, mp3.content);
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', mp3Path, '-f', 'f32le', '-ac', '1', '-ar', String(RATE), '-'], { maxBuffer: 256 << 20 });
  const recorded = new Float32Array(pcm.buffer, pcm.byteOffset, pcm.length / 4);
  const seconds = recorded.length / RATE;
  const admin = new ApiClient(ctx.server.url);
  await admin.loginAdmin(ctx.server.adminPassword);
  const [saved] = (await admin.get('/api/voicemail/boxes/vm-u101/messages')).body.messages as { durationMs: number }[];
  assert.ok(saved, 'the message is in the box');
  assert.ok(Math.abs(seconds - saved.durationMs / 1000) <= 0.5, `the MP3 lasts ${seconds.toFixed(2)} s, the message ${saved.durationMs / 1000} s`);
  // The page hears the beep's end through its analyser (a 170 ms window, polled): up to ~0.5 s late.
  assert.ok(Math.abs(seconds - spokenMs / 1000) <= 1, `the MP3 lasts ${seconds.toFixed(2)} s; the caller spoke for about ${(spokenMs / 1000).toFixed(2)} s`);
  const match = bestEnvelopeCorrelation(recorded, ctx.spoken);
  assert.ok(match >= 0.9, `loudness envelope correlation ${match.toFixed(3)}`);
  // A control: the same recording against time-reversed speech must not match as well.
  const reversed = bestEnvelopeCorrelation(recorded, ctx.spoken.slice().reverse());
  assert.ok(reversed < match - 0.1, `reversed speech correlates ${reversed.toFixed(3)} vs ${match.toFixed(3)}`);

  // Alice's softphone: the message waits, and plays in the page.
  assert.is(await waitForText(alice.page.getByTestId('message-waiting'), '1 new message'), '1 new message');
  await alice.page.getByTestId('message-waiting').click();
  const message = alice.page.getByTestId('voicemail-message').first();
  await waitForText(message, 'Web caller');
  await message.getByRole('button', { name: /Open the message from Web caller/ }).click();
  await message.getByTestId('voicemail-audio').waitFor();
  const played = await playAudio(alice.page, '[data-testid="voicemail-audio"]', 1);
  assert.ok(Math.abs(played - spokenMs / 1000) <= 0.7, `the page plays a ${played} s message`);
  await alice.screenshot(SCREENSHOTS, 'voicemail-call-softphone');
  // Bob's phone, which rang and was not answered, has a missed call; Alice's box is not his.
  assert.ok((await bob.missedBadge()) >= 1);
});

test.run();
