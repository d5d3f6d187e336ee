// A conference room set up in the portal (a room with a PIN, a number that leads to it, Apply
// changes), then used through the public caller page: three real Chromiums whose fake microphones
// play three tones (A 440 Hz, B 660 Hz, C 880 Hz) dial the number that leads to the room,
// type the PIN on the call keypad, and each hears the other two tones and not its own (what each
// page hears, measured by its WebAudio analyser). The first alone hears music; when one hangs up,
// the others stop hearing it.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AudioSnapshot } from '../../client/shared/audio-meter.ts';
import { launchBrowser } from '../support/browser.ts';
import { CallerPage, summarize, waitForText, writeToneWav } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const TONE = { A: 440, B: 660, C: 880 } as const;
type Name = keyof typeof TONE;
const NUMBER = '+33100000555';
const PIN = '2468';

interface Caller {
  browser: Browser;
  page: CallerPage;
}

interface Context {
  server: RunningServer;
  wavDir: string;
  callers: Record<Name, Caller>;
}

const conference = suite<Context>('conference through the caller page');

conference.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  ctx.wavDir = await mkdtemp(join(tmpdir(), 'switchboard-conference-'));
  // Three callers from one address: above the public page's default of 2 per address.
  ctx.server = await startServer({ env: { PUBLIC_CALLS_PER_ADDRESS: '5' } });
  const open = async (hz: number): Promise<Caller> => {
    const browser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(ctx.wavDir, hz) });
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, permissions: ['microphone'] });
    return { browser, page: await CallerPage.open(context, ctx.server.url) };
  };
  const [A, B, C] = await Promise.all([open(TONE.A), open(TONE.B), open(TONE.C)]);
  ctx.callers = { A, B, C };
});

async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

conference('the portal: a room with a PIN (a bad PIN refused in words), a number that leads to it, Apply changes', async ({ server, callers }) => {
  const { A } = callers;
  const page = await A.browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.url}/portal/`);
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('pending-changes').waitFor();

  await openSection(page, 'Conference rooms');
  await page.getByRole('link', { name: 'Add a conference room' }).click();
  await page.getByLabel('Name').fill('Weekly meeting');
  await page.getByLabel('PIN').fill('12');
  await page.getByLabel('Participants at most').fill('5');
  await page.getByRole('button', { name: 'Add the room' }).click();
  assert.is(await waitForText(page.getByTestId('error-room-pin'), 'digits'), '4 to 8 digits.');
  await page.getByLabel('PIN').fill(PIN);
  await page.screenshot({ path: `${SCREENSHOTS}conference-room-edit.png`, fullPage: true });
  await page.getByRole('button', { name: 'Add the room' }).click();
  const table = page.getByTestId('conference-rooms-table');
  await waitForText(table, 'Weekly meeting');
  assert.match((await table.textContent()) ?? '', /PIN.*5.*No number yet/);

  await openSection(page, 'Incoming numbers');
  await page.getByRole('link', { name: 'Add a number' }).click();
  await page.getByLabel('Number', { exact: true }).fill(NUMBER);
  await page.getByLabel('Label').fill('Conference');
  await page.getByLabel('Destination type for voice call').selectOption({ label: 'Conference room' });
  await page.getByLabel('Conference room', { exact: true }).selectOption({ label: 'Weekly meeting' });
  await page.getByRole('button', { name: 'Add the number' }).click();
  await waitForText(page.getByTestId('numbers-table'), 'Conference room Weekly meeting');

  await openSection(page, 'Conference rooms');
  await waitForText(table, NUMBER);
  await page.screenshot({ path: `${SCREENSHOTS}conference-rooms.png`, fullPage: true });
  await page.getByTestId('apply-changes').click();
  const dialog = page.getByRole('dialog', { name: 'Apply changes' });
  await dialog.getByTestId('change-list').waitFor();
  const review = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.ok(review.includes('Conference room') && review.includes('Weekly meeting'), review);
  await dialog.getByRole('button', { name: 'Confirm and apply' }).click();
  await waitForText(page.getByTestId('apply-result'), /Version \d+ applied/);
  await page.close();
  // The caller pages list the numbers as applied: open them again to see the new one.
  for (const caller of Object.values(callers)) {
    await caller.page.page.reload();
    await waitForText(caller.page.page.getByTestId('connection'), 'Online');
  }
});

conference.after(async (ctx) => {
  for (const caller of Object.values(ctx.callers ?? {})) await caller.browser.close();
  await ctx.server?.stop();
  if (ctx.wavDir) await rm(ctx.wavDir, { recursive: true, force: true });
});

/** Dials the room's number from the list, types the PIN and # on the call keypad. */
async function enterRoom(caller: CallerPage): Promise<void> {
  await caller.callListed('Conference');
  await caller.waitForStatus('Connected').catch(async (error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the page says: ${await caller.notice.textContent().catch(() => '')}`);
  });
  await caller.waitForAudio();
  await caller.openCallKeypad();
  await caller.pressCallKeys(`${PIN}#`);
}

/** Median level (dB) near each tone, in the order A, B, C. */
function levels(snapshots: AudioSnapshot[]): Record<Name, number> {
  const [A, B, C] = summarize(snapshots).probeDb;
  return { A: A!, B: B!, C: C! };
}

const PROBES = [TONE.A, TONE.B, TONE.C];

/** Hears each of `present` clearly, and `absent` at least 20 dB below the quietest of them. */
function assertHears(who: Name, snapshots: AudioSnapshot[], present: Name[], absent: Name[]): void {
  const level = levels(snapshots);
  console.log(`${who} hears: ${JSON.stringify(level)} (rms ${summarize(snapshots).medianRmsDb.toFixed(1)} dB)`);
  assert.ok(snapshots.length >= 10, `${who}: enough snapshots`);
  const quietest = Math.min(...present.map((name) => level[name]));
  for (const name of present) assert.ok(level[name] > -60, `${who} hears ${name} (${TONE[name]} Hz): ${JSON.stringify(level)}`);
  for (const name of absent) assert.ok(quietest - level[name] >= 20, `${who} does not hear ${name} (${TONE[name]} Hz): ${JSON.stringify(level)}`);
}

conference('the first caller types the PIN, is let in alone and hears music', async ({ callers: { A } }) => {
  await enterRoom(A.page);
  // After the "you are the first participant" prompt (~4 s), the music: sound all along.
  await new Promise((resolve) => setTimeout(resolve, 7000));
  const heard = summarize(await A.page.listen(2000, PROBES));
  console.log(`A alone: ${JSON.stringify(heard)}`);
  assert.ok(heard.medianRmsDb > -40 && heard.maxRmsDb - heard.medianRmsDb < 15, `A hears music: ${JSON.stringify(heard)}`);
  await A.page.screenshot(SCREENSHOTS, 'conference-alone');
});

conference('three callers: each hears the other two tones, never its own', async ({ callers: { A, B, C } }) => {
  await enterRoom(B.page);
  await enterRoom(C.page);
  // Let the PIN prompt end and the mixes settle on every page.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const [a, b, c] = await Promise.all([A.page.listen(2500, PROBES), B.page.listen(2500, PROBES), C.page.listen(2500, PROBES)]);
  assertHears('A', a, ['B', 'C'], ['A']);
  assertHears('B', b, ['A', 'C'], ['B']);
  assertHears('C', c, ['A', 'B'], ['C']);
  for (const [name, caller] of Object.entries({ A, B, C })) {
    const stats = (await caller.page.inboundAudio())!;
    assert.ok(stats.packetsLost <= stats.packetsReceived * 0.02, `${name} lost at most 2%: ${JSON.stringify(stats)}`);
  }
  await C.page.screenshot(SCREENSHOTS, 'conference-three');
});

conference('C hangs up: A and B go on hearing each other, and no longer C', async ({ callers: { A, B, C } }) => {
  await C.page.hangUp();
  await C.page.waitForNotice(/ended/i);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const [a, b] = await Promise.all([A.page.listen(2000, PROBES), B.page.listen(2000, PROBES)]);
  assertHears('A', a, ['B'], ['A', 'C']);
  assertHears('B', b, ['A'], ['B', 'C']);
  await A.page.hangUp();
  await B.page.hangUp();
});

conference.run();
