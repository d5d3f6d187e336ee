// Music on hold and waiting music end to end, as an admin and callers do it: the admin uploads an
// MP3 then a WAV in the portal's dialog (the page sees the upload's progress events), applies, and
// a caller put on hold by a real Chromium softphone hears that music (each upload a tone of its own
// frequency, recognised on the held side). Refused files (a PNG named .mp3, a cut MP3, a file over
// the limit) get 415, 422 and 413 in the dialog and the music playing does not change. Last, an
// incoming number plays the music with a message repeated over it while the phone rings: the
// caller hears the music and the "voice" (another tone) over it before the callee answers.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AudioSnapshot } from '../../client/shared/audio-meter.ts';
import { ApiClient } from '../support/api-client.ts';
import { mp3File, pngFile, tone, wavFile } from '../support/audio-files.ts';
import { launchBrowser } from '../support/browser.ts';
import { CallerPage, setUpUsers, shareDominatedBy, SoftphonePage, summarize, waitFor, waitForText, writeToneWav } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const PASSWORD = { '101': 'alice-secret', '102': 'bob-secret' } as const;
/** The microphones: Alice 440 Hz, Bob 880 Hz, the web caller 660 Hz. */
const MIC = { A: 440, B: 880, caller: 660 } as const;
/** The uploaded music: the MP3 a 1000 Hz tone, the WAV a 1500 Hz one; the repeated message a 2200 Hz "voice". */
const MUSIC = { mp3: 1000, wav: 1500, voice: 2200 } as const;
const LIMIT_MB = 2;

interface Context {
  server: RunningServer;
  admin: ApiClient;
  wavDir: string;
  browsers: Browser[];
  portal: Page;
  alice: SoftphonePage;
  bob: SoftphonePage;
  caller: CallerPage;
}

const moh = suite<Context>('music on hold');

moh.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  ctx.wavDir = await mkdtemp(join(tmpdir(), 'switchboard-moh-'));
  ctx.server = await startServer({ env: { AUDIO_UPLOAD_MAX_MB: String(LIMIT_MB) } });
  ctx.admin = new ApiClient(ctx.server.url);
  await ctx.admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(ctx.admin, PASSWORD);
  ctx.browsers = [];
  const open = async (hz: number) => {
    const browser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(ctx.wavDir, hz) });
    ctx.browsers.push(browser);
    return browser.newContext({ viewport: { width: 1100, height: 800 }, permissions: ['microphone'] });
  };
  const [aliceContext, bobContext, callerContext] = await Promise.all([open(MIC.A), open(MIC.B), open(MIC.caller)]);
  ctx.alice = await SoftphonePage.open(aliceContext!, ctx.server.url);
  ctx.bob = await SoftphonePage.open(bobContext!, ctx.server.url);
  ctx.caller = await CallerPage.open(callerContext!, ctx.server.url);
  await ctx.alice.signInOnline('101', PASSWORD['101']);
  await ctx.bob.signInOnline('102', PASSWORD['102']);

  const portalBrowser = await launchBrowser();
  ctx.browsers.push(portalBrowser);
  ctx.portal = await (await portalBrowser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  ctx.portal.setDefaultTimeout(15_000);
  ctx.portal.on('pageerror', (error) => console.error('portal page error:', error.message));
  // Every upload progress event the page's XMLHttpRequests receive, as the page sees them.
  await ctx.portal.addInitScript(() => {
    const seen: { loaded: number; total: number }[] = [];
    (window as unknown as { __uploadProgress: typeof seen }).__uploadProgress = seen;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      this.upload.addEventListener('progress', (event) => seen.push({ loaded: event.loaded, total: event.total }));
      return send.call(this, body);
    };
  });
  await ctx.portal.goto(`${ctx.server.url}/portal/`);
  await ctx.portal.getByLabel('Password').fill(ctx.server.adminPassword);
  await ctx.portal.getByLabel('Name').fill('admin');
  await ctx.portal.getByRole('button', { name: 'Sign in' }).click();
  await ctx.portal.getByTestId('pending-changes').waitFor();
});

moh.after(async (ctx) => {
  for (const browser of ctx.browsers ?? []) await browser.close();
  await ctx.server?.stop();
  if (ctx.wavDir) await rm(ctx.wavDir, { recursive: true, force: true });
});

async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Chooses a file in the open upload dialog; returns the upload's HTTP status and what the dialog says. */
async function chooseFile(page: Page, dialogName: string | RegExp, file: { name: string; buffer: Buffer; mimeType: string }): Promise<{ status: number; text: string }> {
  const dialog = page.getByRole('dialog', { name: dialogName });
  const answered = page.waitForResponse((response) => response.request().method() === 'POST' && /\/api\/draft\/(music-on-hold|audio-messages\/.*\/upload)$/.test(response.url()), { timeout: 60_000 });
  await dialog.getByLabel('Choose File').setInputFiles(file);
  const status = (await answered).status();
  const outcome = dialog.locator('[data-testid="upload-result"], [data-testid="upload-error"]');
  await outcome.first().waitFor({ timeout: 60_000 });
  return { status, text: ((await outcome.first().textContent()) ?? '').trim() };
}

async function uploadProgress(page: Page): Promise<{ loaded: number; total: number }[]> {
  return page.evaluate(() => (window as unknown as { __uploadProgress: { loaded: number; total: number }[] }).__uploadProgress.splice(0));
}

async function applyInPortal(page: Page, expected: string[]): Promise<void> {
  await page.getByTestId('apply-changes').click();
  const dialog = page.getByRole('dialog', { name: 'Apply changes' });
  await dialog.getByTestId('change-list').waitFor();
  const review = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
  for (const line of expected) assert.ok(review.includes(line), `the review mentions "${line}"; it says: ${review}`);
  await dialog.getByRole('button', { name: 'Confirm and apply' }).click();
  await waitForText(page.getByTestId('apply-result'), /Version \d+ applied/);
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');
}

async function musicStatus(admin: ApiClient): Promise<{ holdMusicFileId: string | null; waitingLoopsRendered: number; waitingLoopsPending: number }> {
  return (await admin.get('/api/status')).body.music;
}

async function draftMusic(admin: ApiClient) {
  return (await admin.get('/api/draft')).body.config.musicOnHold;
}

/** What the held party hears: mostly `hz`. */
function assertHearsMusic(snapshots: AudioSnapshot[], hz: number, who: string): void {
  const summary = summarize(snapshots);
  console.log(`${who}: ${JSON.stringify(summary)}`);
  assert.ok(summary.snapshots >= 10, 'enough snapshots');
  assert.ok(shareDominatedBy(snapshots, hz, 15) >= 0.8, `${who} hears mostly ${hz} Hz: ${JSON.stringify(summary)}`);
}

moh('an MP3 uploaded in the dialog, with its progress, then applied: Alice, held by Bob, hears it', async ({ portal, admin, alice, bob }) => {
  await openSection(portal, 'Music on hold');
  assert.is(await portal.getByTestId('current-music').textContent(), 'Default music');
  await portal.getByRole('button', { name: 'Change the music on hold' }).click();
  const mp3 = mp3File(tone(MUSIC.mp3, 8, 44100, 0.5), { stereo: true });
  const { status, text } = await chooseFile(portal, 'Change the music on hold', { name: 'Thousand hertz.mp3', buffer: mp3, mimeType: 'audio/mpeg' });
  assert.is(status, 200);
  assert.match(text, /^Thousand hertz\.mp3 is the new music on hold \(0:08; MP3, 44\.1 kHz stereo, 128 kb\/s\)\. Apply changes to publish it\.$/);
  const progress = await uploadProgress(portal);
  console.log(`upload progress events: ${JSON.stringify(progress)}`);
  assert.ok(progress.length >= 1, 'the page saw upload progress events');
  assert.ok(progress.at(-1)!.loaded === progress.at(-1)!.total && progress.at(-1)!.total > mp3.length, 'the last one: the whole body sent');
  await portal.screenshot({ path: `${SCREENSHOTS}moh-upload-done.png` });
  await portal.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  assert.is(await portal.getByTestId('current-music').textContent(), 'Thousand hertz.mp3');
  // The player plays the stored file.
  const played = await portal.evaluate(async () => {
    const audio = document.querySelector('[data-testid="music-player"]') as HTMLAudioElement;
    await audio.play();
    const deadline = Date.now() + 10_000;
    while (audio.currentTime < 0.3 && Date.now() < deadline && !audio.error) await new Promise((r) => setTimeout(r, 50));
    audio.pause();
    return { time: audio.currentTime, error: audio.error?.code ?? null };
  });
  assert.equal(played.error, null);
  assert.ok(played.time >= 0.3, `the music player plays: ${played.time}`);
  await portal.screenshot({ path: `${SCREENSHOTS}moh-page-uploaded.png`, fullPage: true });

  const fileId = (await draftMusic(admin)).fileId as string;
  await applyInPortal(portal, ['Music on hold', 'default music → Thousand hertz.mp3']);
  await waitFor('the new music in force', () => musicStatus(admin), (m) => m.holdMusicFileId === fileId);

  await alice.dialWithKeypad('102');
  await bob.waitForIncoming();
  await bob.answer();
  await alice.waitForStatus('Connected');
  await alice.waitForAudio();
  await bob.hold();
  await alice.waitForStatus('Held by the other party');
  await new Promise((r) => setTimeout(r, 800));
  assertHearsMusic(await alice.listen(2500, [MUSIC.mp3, MIC.B]), MUSIC.mp3, 'Alice on hold (MP3)');
});

moh('a WAV replaces it, over a slow link (the bar moves with the upload); applied while Alice is still held, she hears the new music', async ({ portal, admin, alice }) => {
  await portal.getByRole('button', { name: 'Change the music on hold' }).click();
  const wav = wavFile(tone(MUSIC.wav, 6, 44100, 0.5), 44100, { channels: 2 });
  // About 1 MB at 400 kB/s: the upload takes a few seconds, as over a real link.
  const devtools = await portal.context().newCDPSession(portal);
  await devtools.send('Network.enable');
  await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });
  const barTexts: string[] = [];
  const watching = (async () => {
    for (let i = 0; i < 100; i++) {
      const text = await portal.getByTestId('upload-progress-text').textContent({ timeout: 200 }).catch(() => null);
      if (text) barTexts.push(text);
      if (text?.startsWith('Uploaded')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const { status, text } = await chooseFile(portal, 'Change the music on hold', { name: 'chime.wav', buffer: wav, mimeType: 'audio/wav' });
  await watching;
  await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  assert.is(status, 200);
  assert.match(text, /WAV, 16-bit PCM, 44\.1 kHz stereo/);
  const progress = await uploadProgress(portal);
  console.log(`upload progress events: ${progress.length}, first ${JSON.stringify(progress[0])}; the bar said: ${[...new Set(barTexts)].join(' | ')}`);
  assert.ok(progress.length >= 3, `several progress events: ${JSON.stringify(progress)}`);
  assert.ok(progress.some((p) => p.loaded > 0 && p.loaded < p.total), 'some while the upload was under way');
  assert.ok(progress.at(-1)!.loaded === progress.at(-1)!.total, 'the last: all sent');
  const percents = barTexts.map((t) => /: (\d+) %$/.exec(t)?.[1]).filter(Boolean).map(Number);
  assert.ok(percents.some((p) => p > 0 && p < 100), `the bar showed the upload under way: ${barTexts.join(' | ')}`);
  await portal.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  const fileId = (await draftMusic(admin)).fileId as string;
  await applyInPortal(portal, ['Thousand hertz.mp3 → chime.wav']);
  await waitFor('the WAV in force', () => musicStatus(admin), (m) => m.holdMusicFileId === fileId);
  await new Promise((r) => setTimeout(r, 800));
  assertHearsMusic(await alice.listen(2500, [MUSIC.wav, MUSIC.mp3]), MUSIC.wav, 'Alice on hold (WAV)');
});

moh('refused in the dialog with the reason: PNG named .mp3 (415), cut MP3 (422), over the limit (413); the music plays on', async ({ portal, admin, alice }) => {
  const before = await draftMusic(admin);
  const inForce = (await musicStatus(admin)).holdMusicFileId;
  const mp3 = mp3File(tone(MUSIC.mp3, 5, 44100));
  const cases = [
    { file: { name: 'holiday.mp3', buffer: pngFile(), mimeType: 'audio/mpeg' }, status: 415, text: 'The file is a PNG image, not MP3 or WAV.' },
    { file: { name: 'cut.mp3', buffer: mp3.subarray(0, Math.round(mp3.length * 0.6)), mimeType: 'audio/mpeg' }, status: 422, text: /^The MP3 file is truncated: it ends in the middle of frame \d+/ },
    { file: { name: 'huge.wav', buffer: wavFile(tone(300, 30, 48000), 48000), mimeType: 'audio/wav' }, status: 413, text: `The file is larger than the limit of ${LIMIT_MB} MB.` },
  ];
  for (const { file, status, text } of cases) {
    await portal.getByRole('button', { name: 'Change the music on hold' }).click();
    const outcome = await chooseFile(portal, 'Change the music on hold', file);
    assert.is(outcome.status, status, `${file.name}: ${outcome.text}`);
    if (typeof text === 'string') assert.is(outcome.text, text);
    else assert.match(outcome.text, text);
    await portal.screenshot({ path: `${SCREENSHOTS}moh-refused-${status}.png` });
    await portal.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
    assert.equal(await draftMusic(admin), before, `${file.name}: the draft's music is unchanged`);
    assert.is((await musicStatus(admin)).holdMusicFileId, inForce);
  }
  assert.is(await portal.getByTestId('current-music').textContent(), 'chime.wav');
  assertHearsMusic(await alice.listen(2000, [MUSIC.wav]), MUSIC.wav, 'Alice on hold after the refusals');
});

moh('waiting music with a repeated message: the web caller hears the music, and the message over it, until Alice answers', async ({ portal, admin, alice, bob, caller }) => {
  await bob.resume();
  await bob.hangUp();
  await alice.waitForNotice(/./);
  // The message, uploaded on the Audio messages page.
  const created = await admin.post('/api/draft/audio-messages', { name: 'Please hold' });
  assert.is(created.status, 201);
  const messageId = created.body.entity.id as string;
  await portal.reload();
  await portal.getByTestId('pending-changes').waitFor();
  await openSection(portal, 'Audio messages');
  await portal.getByTestId(`audio-message-row-${messageId}`).getByRole('button', { name: 'Upload a file' }).click();
  const voice = wavFile(tone(MUSIC.voice, 2, 16000, 0.5), 16000);
  const uploaded = await chooseFile(portal, 'Upload a file for Please hold', { name: 'please-hold.wav', buffer: voice, mimeType: 'audio/wav' });
  assert.is(uploaded.status, 200);
  assert.match(uploaded.text, /^please-hold\.wav is the audio of Please hold \(0:02; WAV, 16-bit PCM, 16 kHz mono\)\.$/);
  await portal.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await waitForText(portal.getByTestId(`audio-message-row-${messageId}`), 'Uploaded file');

  // The main line: music on hold instead of ringback, the message after every 5 s of music.
  await openSection(portal, 'Incoming numbers');
  await portal.getByRole('link', { name: /\+33100000101/ }).first().click();
  await portal.getByLabel('Callers hear').selectOption('music-on-hold');
  await portal.getByLabel('Message repeated over the music').selectOption(messageId);
  await portal.getByLabel('Repeat after (seconds of music)').fill('5');
  await portal.screenshot({ path: `${SCREENSHOTS}moh-number-waiting-music.png`, fullPage: true });
  await portal.getByRole('button', { name: 'Save' }).click();
  await portal.getByRole('heading', { level: 1, name: 'Incoming numbers' }).waitFor();
  const rendered = (await musicStatus(admin)).waitingLoopsRendered;
  await applyInPortal(portal, ['While the phones ring: ringback tone → music on hold, with audio message Please hold after every 5 s of music']);
  await waitFor('the waiting loop rendered', () => musicStatus(admin), (m) => m.waitingLoopsPending === 0 && m.waitingLoopsRendered === rendered + 1, 30_000);

  await caller.callListed('Main line');
  await alice.waitForIncoming();
  await caller.waitForAudio();
  // 2 s message + 5 s of music a cycle: 8 s heard holds the message at least once and the music alone.
  const heard = await caller.listen(8000, [MUSIC.wav, MUSIC.voice]);
  const summary = summarize(heard);
  console.log(`caller while ringing: ${JSON.stringify(summary)}`);
  assert.ok(await alice.ringing(), 'Alice still rings: nobody has answered');
  const musicAlone = heard.filter((s) => Math.abs(s.peakHz - MUSIC.wav) <= 15);
  const voiceOver = heard.filter((s) => Math.abs(s.peakHz - MUSIC.voice) <= 15);
  assert.ok(musicAlone.length >= 20, `the music, alone, for a good part: ${musicAlone.length} of ${heard.length}`);
  assert.ok(voiceOver.length >= 8, `the message over it: ${voiceOver.length} of ${heard.length}`);
  const medianMusicDb = (list: AudioSnapshot[]) => list.map((s) => s.probes[0]!).sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const ducking = medianMusicDb(musicAlone) - medianMusicDb(voiceOver);
  assert.ok(voiceOver.every((s) => s.probes[0]! > -90), 'the music goes on under the voice');
  assert.ok(ducking >= 8, `the music ducked under the voice by ${ducking.toFixed(1)} dB`);
  assert.ok(summary.probeDb[1]! > -100, 'the voice probe hears something');
  assert.ok(shareDominatedBy(heard, MIC.A, 15) === 0, 'not Alice yet');

  await alice.answer();
  await caller.waitForStatus('Connected');
  await new Promise((r) => setTimeout(r, 800));
  const talking = await caller.listen(1500, [MIC.A, MUSIC.wav]);
  assert.ok(shareDominatedBy(talking, MIC.A, 15) >= 0.8, `after the answer the caller hears Alice: ${JSON.stringify(summarize(talking))}`);
  await caller.hangUp();
});

moh.run();
