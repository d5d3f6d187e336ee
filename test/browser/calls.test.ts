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
  ]);
  const open = async (hz: number): Promise<Party> => {
    const browser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(ctx.wavDir, hz) });
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
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

calls('sign-in: a wrong password says so; the phones of A and B sign in', async ({ server, A, B, C }) => {
  await A.phone.signIn('101', 'not-the-password');
  await waitForText(A.phone.page.getByTestId('login-error'), 'Wrong extension or password.');
  await A.phone.screenshot(SCREENSHOTS, 'phone-sign-in-error');
  await A.phone.signInOnline('101', PASSWORD['101']);
  await B.phone.signInOnline('102', PASSWORD['102']);
  await C.phone.signInOnline('103', PASSWORD['103']);
  await A.phone.screenshot(SCREENSHOTS, 'phone-idle');
  void server;
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
  const held = await A.phone.listen(2500, [TONE.B]);
  const heldSummary = summarize(held);
  console.log(`A while held: ${JSON.stringify(heldSummary)} (before: ${JSON.stringify(before)})`);
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

calls.run();
