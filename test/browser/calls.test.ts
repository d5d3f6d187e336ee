// Calls between real browsers through the real PBX: each party is its own Chromium whose fake
// microphone plays a tone (A 440 Hz, B 880 Hz, C 660 Hz), so what a page hears tells who it hears.
// Everything a person does goes through the pages (typing, clicking); the pages' measurement hook
// (window.__softphone) says what each one hears and what WebRTC received.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AudioSnapshot } from '../../client/shared/audio-meter.ts';
import { ApiClient } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import {
  CallerPage,
  launchBrowserRefusingMicrophone,
  setUpUsers,
  shareDominatedBy,
  SoftphonePage,
  summarize,
  waitFor,
  waitForText,
  writeToneWav,
} from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const TONE = { A: 440, B: 880, C: 660 } as const;
const PASSWORD = { '101': 'alice-secret', '102': 'bob-secret', '103': 'carol-secret' } as const;

interface Party {
  browser: Browser;
  context: BrowserContext;
  phone: SoftphonePage;
}

interface Context {
  server: RunningServer;
  wavDir: string;
  A: Party;
  B: Party;
  C: Party;
}

const calls = suite<Context>('calls');

calls.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  ctx.wavDir = await mkdtemp(join(tmpdir(), 'switchboard-tones-'));
  ctx.server = await startServer();
  const admin = new ApiClient(ctx.server.url);
  await admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(admin, { '101': PASSWORD['101'], '102': PASSWORD['102'] }, [
    { name: 'Carol Petit', email: 'carol@example.com', extension: '103', password: PASSWORD['103'] },
    // Never signed in anywhere: calls to 105 find no phone.
    { name: 'Dan Lefort', email: 'dan@example.com', extension: '105', password: 'dan-secret' },
  ]);
  const open = async (hz: number): Promise<Party> => {
    const browser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(ctx.wavDir, hz) });
    // As a person who allowed the microphone for good: the browser then lists its devices by name.
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, permissions: ['microphone'] });
    return { browser, context, phone: await SoftphonePage.open(context, ctx.server.url) };
  };
  [ctx.A, ctx.B, ctx.C] = await Promise.all([open(TONE.A), open(TONE.B), open(TONE.C)]);
});

calls.after(async (ctx) => {
  for (const party of [ctx.A, ctx.B, ctx.C]) await party?.browser.close();
  await ctx.server?.stop();
  if (ctx.wavDir) await rm(ctx.wavDir, { recursive: true, force: true });
});

function describe(snapshots: AudioSnapshot[]): string {
  return JSON.stringify(summarize(snapshots));
}

/** The page hears `hz` clearly and not `otherHz`: most snapshots peak at `hz`, 20 dB above the other. */
function assertHears(snapshots: AudioSnapshot[], hz: number, otherHz: number, who: string): void {
  const summary = summarize(snapshots);
  console.log(`${who}: ${JSON.stringify(summary)}`);
  assert.ok(summary.snapshots >= 10, `${who}: enough snapshots`);
  assert.ok(shareDominatedBy(snapshots, hz) >= 0.8, `${who} hears mostly ${hz} Hz: ${describe(snapshots)}`);
  assert.ok(summary.probeDb[0]! - summary.probeDb[1]! >= 20, `${who}: ${hz} Hz at least 20 dB above ${otherHz} Hz: ${describe(snapshots)}`);
}

calls('sign-in: wrong password and locked phone say so; A, B and C sign in', async ({ server, A, B, C }) => {
  await A.phone.signIn('101', 'not-the-password');
  assert.is(await waitForText(A.phone.page.getByTestId('login-error'), 'Wrong'), 'Wrong extension or password.');
  await A.phone.screenshot(SCREENSHOTS, 'phone-sign-in-error');
  const stranger = new ApiClient(server.url);
  for (let i = 0; i < 5; i++) assert.is((await stranger.post('/api/phone/session', { extension: '104', password: 'guess' })).status, 401);
  await A.phone.signIn('104', 'guess');
  assert.match(await waitForText(A.phone.page.getByTestId('login-error'), 'locked'), /^Too many wrong passwords: this phone is locked until \d\d:\d\d\. Try again later\.$/);
  await A.phone.screenshot(SCREENSHOTS, 'phone-sign-in-locked');
  await A.phone.signInOnline('101', PASSWORD['101']);
  await B.phone.signInOnline('102', PASSWORD['102']);
  await C.phone.signInOnline('103', PASSWORD['103']);
  await A.phone.screenshot(SCREENSHOTS, 'phone-idle');
});

calls('a browser that refuses the microphone: the page says how to allow it, and nothing is dialled', async ({ server }) => {
  const browser = await launchBrowserRefusingMicrophone();
  try {
    const caller = await CallerPage.open(await browser.newContext({ viewport: { width: 1100, height: 800 } }), server.url);
    await caller.callListed('Main line');
    assert.match(await caller.waitForNotice('Microphone'), /^Microphone access is blocked\. Allow the microphone for this site/);
    assert.is((await caller.state()).call, null);
    await caller.screenshot(SCREENSHOTS, 'call-page-microphone-refused');
  } finally {
    await browser.close();
  }
});

calls('1. A calls B: B rings with Alice, answers, each hears the other', async ({ A, B }) => {
  await A.phone.dialWithKeypad('102');
  assert.is(await B.phone.waitForIncoming(), 'Alice Martin');
  await waitFor('B rings', () => B.phone.ringing(), (ringing) => ringing);
  await A.phone.waitForStatus('Ringing');
  await B.phone.screenshot(SCREENSHOTS, 'phone-incoming');
  await B.phone.answer();
  await A.phone.waitForStatus('Connected');
  await B.phone.waitForStatus('Connected');
  assert.is(await B.phone.ringing(), false, 'B stopped ringing');
  await Promise.all([A.phone.waitForAudio(), B.phone.waitForAudio()]);
  await new Promise((r) => setTimeout(r, 500));
  const [heardByA, heardByB] = await Promise.all([A.phone.listen(2000, [TONE.B, TONE.A]), B.phone.listen(2000, [TONE.A, TONE.B])]);
  assertHears(heardByB, TONE.A, TONE.B, 'B');
  assertHears(heardByA, TONE.B, TONE.A, 'A');
  for (const [who, phone] of [['A', A.phone], ['B', B.phone]] as const) {
    const stats = (await phone.inboundAudio())!;
    console.log(`${who} inbound: ${JSON.stringify(stats)}`);
    assert.ok(stats.packetsReceived > 100, `${who} received packets: ${stats.packetsReceived}`);
    assert.ok(stats.packetsLost <= stats.packetsReceived * 0.01, `${who} lost at most 1%: ${stats.packetsLost}`);
  }
  await A.phone.screenshot(SCREENSHOTS, 'phone-in-call');
});

calls('2. B holds: A hears music instead of B; B resumes: A hears B again', async ({ A, B }) => {
  const before = summarize(await A.phone.listen(1000, [TONE.B]));
  await B.phone.hold();
  await B.phone.waitForStatus('On hold');
  await A.phone.waitForStatus('Held by the other party');
  await new Promise((r) => setTimeout(r, 600));
  const [held, holder] = await Promise.all([A.phone.listen(2500, [TONE.B]), B.phone.listen(2500, [TONE.A])]);
  const heldSummary = summarize(held);
  const holderSummary = summarize(holder);
  console.log(`A while held: ${JSON.stringify(heldSummary)} (before: ${JSON.stringify(before)}); B holding: ${JSON.stringify(holderSummary)}`);
  assert.ok(holderSummary.medianRmsDb < -60, `B, who holds, hears silence: ${JSON.stringify(holderSummary)}`);
  assert.ok(heldSummary.medianRmsDb > -50, `A hears music, not silence: ${JSON.stringify(heldSummary)}`);
  assert.ok(shareDominatedBy(held, TONE.B) < 0.2, `B's tone is gone: ${describe(held)}`);
  assert.ok(heldSummary.probeDb[0]! <= before.probeDb[0]! - 20, `880 Hz at least 20 dB lower than before: ${heldSummary.probeDb[0]} vs ${before.probeDb[0]}`);
  await A.phone.screenshot(SCREENSHOTS, 'phone-held-by-other');
  await B.phone.screenshot(SCREENSHOTS, 'phone-on-hold');
  await B.phone.resume();
  await B.phone.waitForStatus('Connected');
  await A.phone.waitForStatus('Connected');
  await new Promise((r) => setTimeout(r, 600));
  assertHears(await A.phone.listen(1500, [TONE.B, TONE.A]), TONE.B, TONE.A, 'A after resume');
});

calls('3. DTMF: A presses 1 2 3 # and the PBX logs them, in order, from the caller', async ({ server, A }) => {
  const callId = (await A.phone.state()).call?.callId;
  assert.ok(callId, 'A has a call');
  await A.phone.openCallKeypad();
  await A.phone.pressCallKeys('123#');
  await waitForText(A.phone.page.getByTestId('tones-sent'), '123#');
  const digits = await waitFor(
    'four digits in the log',
    async () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"dtmf"'))
        .map((line) => JSON.parse(line) as { callId: string; from: string; digit: string })
        .filter((entry) => entry.callId === callId),
    (entries) => entries.length >= 4,
  );
  assert.equal(digits.map((d) => d.digit), ['1', '2', '3', '#']);
  assert.ok(digits.every((d) => d.from === 'caller'), 'from the caller');
  await A.phone.screenshot(SCREENSHOTS, 'phone-dtmf');
});

calls('mute: A mutes and B hears silence instead of 440 Hz; unmute brings it back', async ({ A, B }) => {
  await A.phone.page.getByRole('button', { name: 'Mute', exact: true }).click();
  await A.phone.page.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
  await new Promise((r) => setTimeout(r, 600));
  const muted = summarize(await B.phone.listen(1200, [TONE.A]));
  console.log(`B while A is muted: ${JSON.stringify(muted)}`);
  assert.ok(muted.probeDb[0]! < -80, `no 440 Hz while muted: ${JSON.stringify(muted)}`);
  await A.phone.page.getByRole('button', { name: 'Unmute', exact: true }).click();
  await new Promise((r) => setTimeout(r, 600));
  assertHears(await B.phone.listen(1200, [TONE.A, TONE.B]), TONE.A, TONE.B, 'B after unmute');
});

/** Waits until the page has a call id (the PBX took the call), then listens until the call ends. */
async function listenToPrompt(phone: SoftphonePage): Promise<AudioSnapshot[]> {
  await waitFor('the PBX to take the call', () => phone.state(), (state) => !!state.call?.callId);
  return phone.listen(5000, []);
}

/** Speech: several snapshots clearly above silence. */
function assertHeardSpeech(snapshots: AudioSnapshot[], who: string): void {
  const loud = snapshots.filter((s) => s.rmsDb > -45).length;
  console.log(`${who}: ${loud} of ${snapshots.length} snapshots above -45 dBFS; ${JSON.stringify(summarize(snapshots))}`);
  assert.ok(loud >= 5, `${who} heard a prompt: ${loud} loud snapshots of ${snapshots.length}`);
}

calls('5. busy: while A and B talk, C calls B, hears the busy prompt, and the call ends busy', async ({ A, B, C }) => {
  await C.phone.dialTyped('102');
  assertHeardSpeech(await listenToPrompt(C.phone), 'C');
  assert.is(await C.phone.waitForNotice('The line is busy', 15_000), 'The line is busy');
  await C.phone.screenshot(SCREENSHOTS, 'phone-busy');
  assert.match(await waitForText(A.phone.callStatus, 'Connected'), 'Connected', 'A and B still talk');
  assert.is(await B.phone.ringing(), false, 'B never rang');
});

calls('8a. A hangs up: B sees that the other side hung up', async ({ A, B }) => {
  await A.phone.hangUp();
  assert.is(await A.phone.waitForNotice('Call ended'), 'Call ended');
  assert.is(await B.phone.waitForNotice('The other side hung up'), 'The other side hung up');
  assert.is((await B.phone.state()).call, null);
  await B.phone.screenshot(SCREENSHOTS, 'phone-remote-hangup');
});

calls('4. unknown number: A dials 555, hears a prompt, and the call ends "not in service"', async ({ A }) => {
  await A.phone.dialTyped('555');
  assertHeardSpeech(await listenToPrompt(A.phone), 'A');
  assert.is(await A.phone.waitForNotice('not in service', 15_000), 'This number is not in service');
  await A.phone.screenshot(SCREENSHOTS, 'phone-not-in-service');
});

calls('not available: A calls 105, whose phone is not signed in anywhere, and hears the prompt', async ({ A }) => {
  await A.phone.dialTyped('105');
  assertHeardSpeech(await listenToPrompt(A.phone), 'A');
  assert.is(await A.phone.waitForNotice('Not available', 15_000), 'Not available (no answer)');
});

calls('6. two tabs signed in as 102 both ring; the first to answer wins, the other stops', async ({ server, A, B }) => {
  const second = await SoftphonePage.open(B.context, server.url);
  try {
    await second.waitOnline(); // the browser's session cookie signs the second tab in
    await A.phone.dialTyped('102');
    for (const tab of [B.phone, second]) {
      assert.is(await tab.waitForIncoming(), 'Alice Martin');
      await waitFor('the tab rings', () => tab.ringing(), (ringing) => ringing);
    }
    await second.answer();
    await second.waitForStatus('Connected');
    await waitFor('the first tab stops ringing', () => B.phone.ringing(), (ringing) => !ringing);
    assert.is(await B.phone.incoming.count(), 0, 'no incoming call shown in the first tab');
    assert.is(await B.phone.waitForNotice('Answered on another device'), 'Answered on another device');
    await B.phone.screenshot(SCREENSHOTS, 'phone-answered-elsewhere');
    await second.waitForAudio();
    assertHears(await second.listen(1500, [TONE.A, TONE.B]), TONE.A, TONE.B, 'second tab of B');
    await A.phone.hangUp();
    await second.waitForNotice('The other side hung up');
  } finally {
    await second.page.close();
  }
});

calls('7. the public caller page calls the main line: 101 answers and both hear each other', async ({ server, A, C }) => {
  const caller = await CallerPage.open(C.context, server.url);
  try {
    await caller.screenshot(SCREENSHOTS, 'call-page');
    await caller.callListed('Main line');
    assert.is(await A.phone.waitForIncoming(), 'Web caller');
    await caller.waitForStatus('Ringing');
    await A.phone.screenshot(SCREENSHOTS, 'phone-incoming-from-web');
    await A.phone.answer();
    await caller.waitForStatus('Connected');
    await Promise.all([caller.waitForAudio(), A.phone.waitForAudio()]);
    await new Promise((r) => setTimeout(r, 500));
    const [heardByCaller, heardByA] = await Promise.all([caller.listen(2000, [TONE.A, TONE.C]), A.phone.listen(2000, [TONE.C, TONE.A])]);
    assertHears(heardByCaller, TONE.A, TONE.C, 'web caller');
    assertHears(heardByA, TONE.C, TONE.A, 'A from the web caller');
    await caller.openCallKeypad();
    await caller.screenshot(SCREENSHOTS, 'call-page-in-call');
    await caller.hangUp();
    await A.phone.waitForNotice('The other side hung up');

    await caller.callTyped('102');
    assert.is(await caller.waitForNotice('can only dial incoming numbers'), 'The public caller page can only dial incoming numbers');
    await caller.screenshot(SCREENSHOTS, 'call-page-extension-refused');
  } finally {
    await caller.page.close();
  }
});

calls('8b. a call B did not answer is a missed call: badge, then the history marks it and the badge clears', async ({ A, B }) => {
  assert.is(await B.phone.missedBadge(), 0, 'no missed call yet');
  await A.phone.dialTyped('102');
  await B.phone.waitForIncoming();
  await A.phone.waitForStatus('Ringing');
  await A.phone.hangUp();
  assert.is(await B.phone.waitForNotice('Missed call'), 'Missed call from Alice Martin');
  assert.is(await B.phone.ringing(), false);
  await waitFor('the missed-call badge', () => B.phone.missedBadge(), (count) => count === 1);
  await B.phone.screenshot(SCREENSHOTS, 'phone-missed-badge');
  await B.phone.openTab('History');
  const entries = B.phone.page.getByTestId('history-entry');
  await waitForText(entries.first(), 'Missed call');
  assert.is(await entries.first().getAttribute('data-missed'), 'true');
  assert.match((await entries.first().textContent()) ?? '', 'Alice Martin');
  // Case 1 (answered by B), case 6 (answered in the second tab), and this missed one.
  assert.is(await entries.count(), 3);
  assert.is(await entries.locator('xpath=self::*[@data-missed="true"]').count(), 1);
  await waitFor('the badge clears', () => B.phone.missedBadge(), (count) => count === 0);
  await B.phone.screenshot(SCREENSHOTS, 'phone-history');
  await A.phone.openTab('History');
  await waitForText(A.phone.page.getByTestId('history'), 'not answered');
  await A.phone.screenshot(SCREENSHOTS, 'phone-history-outgoing');
});

calls('settings: the microphone chosen is remembered in this browser', async ({ server, C }) => {
  await C.phone.openTab('Settings');
  const select = C.phone.page.getByLabel('Microphone');
  const options = await waitFor(
    'the microphones listed',
    () => select.locator('option').evaluateAll((nodes) => nodes.map((n) => ({ value: (n as HTMLOptionElement).value, label: n.textContent ?? '' }))),
    (list) => list.length >= 2,
  );
  assert.is(options[0]!.label, 'Browser default');
  const device = options[options.length - 1]!;
  assert.match(device.label, /^Fake Audio Input/);
  await select.selectOption(device.value);
  await C.phone.screenshot(SCREENSHOTS, 'phone-settings');
  await C.phone.page.reload();
  await C.phone.waitOnline();
  await C.phone.openTab('Settings');
  // The list comes from the browser a moment after the tab opens; the saved choice is then selected.
  await waitFor('the saved microphone selected', () => C.phone.page.getByLabel('Microphone').inputValue(), (value) => value === device.value);
  // A call now opens that very device, and the PBX hears it (a prompt comes back to prove the media flows).
  await C.phone.dialTyped('556');
  await waitFor('the call to start', () => C.phone.state(), (state) => !!state.call?.callId);
  const track = await C.phone.page.evaluate(() => window.__softphone!.microphoneDeviceId());
  assert.is(track, device.value);
  await C.phone.waitForNotice('not in service', 15_000);
  void server;
});

calls('lost server: the phone says it is reconnecting', async ({ server, A }) => {
  await A.phone.openTab('Keypad');
  await server.stop();
  await waitForText(A.phone.page.getByTestId('reconnecting'), 'Reconnecting…');
  assert.is(await waitForText(A.phone.page.getByTestId('connection'), 'Reconnecting'), 'Reconnecting…');
  await A.phone.screenshot(SCREENSHOTS, 'phone-reconnecting');
});

calls.run();
