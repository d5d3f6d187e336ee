// Recording an audio message, as an admin does it: in the portal's Record / Listen dialog, OK makes
// the PBX call Alice's softphone (real Chromium, a fake microphone speaking eSpeak speech); she
// answers, presses 1, speaks, presses #, presses 2 and hears her own recording back, presses #. The
// draft then has the recording and Apply changes publishes it. Then the same dialog records in the
// browser (opus-recorder, a fake microphone playing a tone): Record, Stop, listen, Save.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWavPcm16 } from '../../media/audio/wav.ts';
import { goertzelPower } from '../../media/dsp/goertzel.ts';
import { concatFloat32 } from '../../media/dsp/samples.ts';
import { EspeakSynthesizer } from '../../media/tts/espeak.ts';
import { ApiClient } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { correlation, loudnessEnvelope } from '../support/envelope.ts';
import { playAudio, setUpUsers, SoftphonePage, waitFor, waitForText, writeToneWav } from '../support/phone-pages.ts';
import { captureRemoteAudio, rememberRemoteAudio } from '../support/remote-audio.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const RATE = 48_000;
const SENTENCE = 'Welcome to Martin and Durand. Our office is open from nine to five, Monday to Friday.';
/**
 * Envelope resolution: a syllable's length. What Alice hears went through her browser's microphone
 * processing and Opus twice (to the PBX, then back), so finer windows compare codec detail rather
 * than speech (50 ms windows read 0.88 in a run where these read 0.92).
 */
const WINDOW_MS = 100;
const TONE_HZ = 440;

interface Context {
  server: RunningServer;
  admin: ApiClient;
  browsers: Browser[];
  /** What Alice's microphone says, round and round: the sentence, then a second of silence. */
  spoken: Float32Array;
  portal: Page;
  alice: SoftphonePage;
  messageId: string;
}

const test = suite<Context>('recording an audio message by phone and in the browser');

test.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-record-message-'));
  const speech = await EspeakSynthesizer.load();
  ctx.spoken = concatFloat32([speech.synthesize(SENTENCE, { voice: 'en' }), new Float32Array(RATE)]);
  speech.close();
  const sentenceWav = join(dir, 'sentence.wav');
  await writeFile(sentenceWav, encodeWavPcm16(ctx.spoken, RATE));

  ctx.server = await startServer();
  ctx.admin = new ApiClient(ctx.server.url);
  await ctx.admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(ctx.admin, { '101': 'alice-secret' });
  const created = await ctx.admin.post('/api/draft/audio-messages', { name: 'Welcome' });
  assert.is(created.status, 201);
  ctx.messageId = created.body.entity.id;

  const phones = await launchBrowser({ fakeMicrophoneWav: sentenceWav });
  const portalBrowser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(dir, TONE_HZ) });
  ctx.browsers = [phones, portalBrowser];
  const aliceContext = await phones.newContext({ viewport: { width: 1100, height: 860 } });
  await rememberRemoteAudio(aliceContext);
  ctx.alice = await SoftphonePage.open(aliceContext, ctx.server.url);
  await ctx.alice.signInOnline('101', 'alice-secret');

  ctx.portal = await (await portalBrowser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  ctx.portal.setDefaultTimeout(10_000);
  ctx.portal.on('pageerror', (error) => console.error('portal page error:', error.message));
  await ctx.portal.goto(`${ctx.server.url}/portal/`);
  await ctx.portal.getByLabel('Name').fill('admin');
  await ctx.portal.getByLabel('Password').fill(ctx.server.adminPassword);
  await ctx.portal.getByRole('button', { name: 'Sign in' }).click();
  await ctx.portal.getByTestId('pending-changes').waitFor();
});

test.after(async (ctx) => {
  for (const browser of ctx.browsers ?? []) await browser.close();
  await ctx.server?.stop();
});

async function openRecordDialog(ctx: Context): Promise<void> {
  await ctx.portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audio messages', exact: true }).click();
  const row = ctx.portal.getByTestId(`audio-message-row-${ctx.messageId}`);
  await row.getByRole('button', { name: 'Record/Listen' }).click();
  await ctx.portal.getByTestId('record-message-dialog').waitFor();
}

/**
 * How well what was heard follows what the microphone said: the best envelope correlation over
 * where the recording starts in what was heard (the PBX starts playing a moment after the key) and
 * where it started in the looped source (wherever the loop was at the beep).
 */
function bestEnvelopeCorrelation(heard: Float32Array, source: Float32Array, recordingMs: number): number {
  const heardEnvelope = loudnessEnvelope(heard, RATE, WINDOW_MS, { decibels: true });
  const sourceEnvelope = loudnessEnvelope(source, RATE, WINDOW_MS, { decibels: true });
  const looped = [...sourceEnvelope, ...sourceEnvelope, ...sourceEnvelope];
  const length = Math.floor(recordingMs / WINDOW_MS) - 2;
  let best = -1;
  for (let start = 0; start + length <= heardEnvelope.length; start++) {
    const window = heardEnvelope.slice(start, start + length);
    for (let lag = 0; lag < sourceEnvelope.length; lag++) best = Math.max(best, correlation(window, looped.slice(lag, lag + length)));
  }
  return best;
}

test('OK rings Alice; 1 records her until #, 2 plays it back to her, # hangs up; the draft has it and Apply publishes it', async (ctx) => {
  const { portal, alice } = ctx;
  await openRecordDialog(ctx);
  const dialog = portal.getByTestId('record-message-dialog');
  const select = dialog.getByLabel('Extension to use for message management');
  await waitFor('the extensions of production', () => select.locator('option').allTextContents(), (options) => options.includes('Alice Martin (101)'));
  await select.selectOption('101');
  await dialog.getByRole('button', { name: 'OK', exact: true }).click();
  await waitForText(dialog.getByTestId('record-call-status'), 'Calling Alice Martin (101)');

  assert.is(await alice.waitForIncoming(), 'Switchboard — message Welcome');
  await alice.answer();
  await alice.waitForStatus('Connected');
  await waitForText(dialog.getByTestId('record-call-status'), 'the menu is playing');
  // The menu speaks (a key may come at any time; Alice listens to its first words).
  await waitFor('the menu', async () => Math.max(...(await alice.listen(500)).map((s) => s.rmsDb)), (db) => db > -40, 10_000);
  await portal.screenshot({ path: join(SCREENSHOTS, 'record-message-phone-menu.png') });
  await alice.openCallKeypad();
  await alice.pressCallKeys('1');

  // The beep (1 kHz), then the recording: Alice's microphone keeps speaking.
  await waitFor('the beep', async () => (await alice.listen(150, [1000]))[0]?.probes[0] ?? -200, (db) => db > -30, 15_000);
  await waitFor('the end of the beep', async () => (await alice.listen(100, [1000]))[0]?.probes[0] ?? -200, (db) => db < -50, 5_000);
  await waitForText(dialog.getByTestId('record-call-status'), 'Recording');
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  await alice.pressCallKeys('#');
  await waitForText(dialog.getByTestId('record-call-status'), 'Recording saved in the draft', 15_000);
  const saved = (await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}`)).body;
  assert.is(saved.source, 'recording');
  assert.ok(saved.durationMs > 6_500 && saved.durationMs < 9_500, `the recording lasts ${saved.durationMs} ms`);
  // The page shows it in the list behind the dialog.
  await waitForText(portal.getByTestId(`audio-message-row-${ctx.messageId}`), 'Recorded');

  // 2: Alice hears her recording back.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const capture = captureRemoteAudio(alice.page, saved.durationMs + 2_500);
  await alice.pressCallKeys('2');
  const heard = await capture;
  const match = bestEnvelopeCorrelation(heard, ctx.spoken, saved.durationMs);
  assert.ok(match >= 0.9, `what Alice hears follows what she said: envelope correlation ${match.toFixed(3)}`);
  const reversed = bestEnvelopeCorrelation(heard, ctx.spoken.slice().reverse(), saved.durationMs);
  assert.ok(reversed < match - 0.1, `reversed speech correlates ${reversed.toFixed(3)} vs ${match.toFixed(3)}`);

  await alice.pressCallKeys('#');
  await alice.waitForNotice(/Call ended/, 20_000);
  await waitForText(dialog.getByTestId('record-call-status'), 'Call ended. The new recording is in the draft');
  await portal.screenshot({ path: join(SCREENSHOTS, 'record-message-phone-done.png') });
  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();

  await portal.getByTestId('apply-changes').click();
  const review = portal.getByRole('dialog', { name: 'Apply changes' });
  await review.getByTestId('change-list').waitFor();
  assert.match((await review.textContent()) ?? '', /Audio message Welcome/);
  await review.getByRole('button', { name: 'Confirm and apply' }).click();
  await waitForText(portal.getByTestId('apply-result'), /Version \d+ applied/);
  const production = (await ctx.admin.get('/api/production')).body;
  const published = production.config.audioMessages.find((m: { id: string }) => m.id === ctx.messageId);
  assert.equal({ source: published.source, fileId: published.fileId }, { source: 'recording', fileId: saved.fileId });
  await portal.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
});

test('Record in the browser: Record, Stop, listen, Save; the stored file decodes to the tone, as long as recorded', async (ctx) => {
  const { portal } = ctx;
  await openRecordDialog(ctx);
  const dialog = portal.getByTestId('record-message-dialog');
  await dialog.getByRole('button', { name: 'Record in the browser' }).click();
  await dialog.getByRole('button', { name: 'Record', exact: true }).click();
  await waitForText(dialog.getByTestId('browser-recording-status'), 'Recording');
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await dialog.getByRole('button', { name: 'Stop' }).click();
  const recordedMs = Date.now() - started;
  await dialog.getByTestId('browser-recording-audio').waitFor();
  const listened = await playAudio(portal, '[data-testid="browser-recording-audio"]', 0.5);
  assert.ok(Math.abs(listened * 1000 - recordedMs) < 1_000, `the page plays ${listened} s of a ${recordedMs} ms recording`);
  await portal.screenshot({ path: join(SCREENSHOTS, 'record-message-browser.png') });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await waitForText(dialog.getByTestId('browser-recording-status'), 'Saved in the draft');

  const message = (await ctx.admin.get(`/api/draft/audio-messages/${ctx.messageId}`)).body;
  assert.is(message.source, 'recording');
  assert.ok(Math.abs(message.durationMs - recordedMs) < 1_000, `stored ${message.durationMs} ms, recorded for ${recordedMs} ms`);
  const file = join(ctx.server.dataDir, 'audio', `${message.fileId}.ogg`);
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-ac', '1', '-ar', String(RATE), '-']);
  const pcm = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  assert.ok(Math.abs((pcm.length / RATE) * 1000 - message.durationMs) < 150, `decodes to ${pcm.length / RATE} s`);
  const middle = pcm.subarray(Math.floor(pcm.length / 4), Math.floor((pcm.length * 3) / 4));
  const rms = Math.sqrt(middle.reduce((sum, x) => sum + x * x, 0) / middle.length);
  assert.ok(20 * Math.log10(rms) > -30, `the recording has sound: ${(20 * Math.log10(rms)).toFixed(1)} dBFS`);
  assert.ok(goertzelPower(middle, TONE_HZ, RATE) > 100 * goertzelPower(middle, 1000, RATE), 'it is the microphone\'s tone');
  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
});

test.run();
