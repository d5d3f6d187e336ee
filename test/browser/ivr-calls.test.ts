// IVR menus and opening hours from end to end, as people use them. An admin builds the menu in the
// portal (a row per key, the shared destination picker); a caller on the public caller page dials
// the number, hears the menu spoken, and presses keys on the call keypad (RFC 4733 from Chromium's
// RTCDTMFSender): 1 rings Alice's softphone, which answers (tones heard both ways); 2 reaches Bob's
// box, which saves the message; an invalid key, then silence, ends in the fallback (Bob's phone
// rings). Opening hours switch branch when the test sets the PBX's clock (TEST_CLOCK=1), and the
// portal's opening-hours page says which branch applies now.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { CallerPage, setUpUsers, shareDominatedBy, SoftphonePage, summarize, waitFor, waitForText, writeToneWav } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const TONE = { caller: 660, phones: 440 };

interface Context {
  server: RunningServer;
  admin: ApiClient;
  browsers: Browser[];
  portal: Page;
  alice: SoftphonePage;
  bob: SoftphonePage;
  caller: CallerPage;
  bobBoxId: string;
  hoursId: string;
}

const test = suite<Context>('IVR menus and opening hours through the public caller page');

test.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-ivr-'));
  ctx.server = await startServer({ env: { TEST_CLOCK: '1' } });
  ctx.admin = new ApiClient(ctx.server.url);
  await ctx.admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(ctx.admin, { '101': 'alice-secret', '102': 'bob-secret' });
  const production = (await ctx.admin.get('/api/production')).body.config;
  ctx.bobBoxId = production.voicemailBoxes.find((b: { owner: { userId?: string } }) => b.owner.userId === 'u102').id;

  const phones = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(dir, TONE.phones) });
  const callerBrowser = await launchBrowser({ fakeMicrophoneWav: await writeToneWav(dir, TONE.caller) });
  ctx.browsers = [phones, callerBrowser];

  // The menu, built in the portal as an admin does.
  const portalContext = await phones.newContext({ viewport: { width: 1280, height: 1000 } });
  ctx.portal = await portalContext.newPage();
  ctx.portal.setDefaultTimeout(15_000);
  await ctx.portal.goto(`${ctx.server.url}/portal/`);
  await ctx.portal.getByLabel('Name').fill('admin');
  await ctx.portal.getByLabel('Password').fill(ctx.server.adminPassword);
  await ctx.portal.getByRole('button', { name: 'Sign in' }).click();
  await ctx.portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IVR menus' }).click();
  await ctx.portal.getByRole('link', { name: 'Add a menu' }).click();
  await ctx.portal.getByLabel('Name', { exact: true }).fill('Reception');
  await ctx.portal.getByLabel('Spoken text when the prompt has no audio').fill('Press 1 for Alice, or 2 to leave a message.');
  await ctx.portal.getByLabel('Wait for a key (seconds)').fill('3');
  await ctx.portal.getByLabel('Repeats').fill('1');
  await ctx.portal.getByLabel('Key 1: destination type').selectOption({ label: 'User' });
  await ctx.portal.getByLabel('Key 1: user').selectOption({ label: 'Alice Martin (101)' });
  await ctx.portal.getByLabel('Key 2: destination type').selectOption({ label: 'Voicemail' });
  await ctx.portal.getByLabel('Key 2: voicemail box').selectOption({ label: 'Bob Durand' });
  await ctx.portal.getByLabel('Fallback destination').selectOption({ label: 'User' });
  await ctx.portal.getByLabel('User', { exact: true }).selectOption({ label: 'Bob Durand (102)' });
  await ctx.portal.screenshot({ path: join(SCREENSHOTS, 'ivr-menu-edit.png'), fullPage: true });
  await ctx.portal.getByRole('button', { name: 'Add the menu' }).click();
  await waitForText(ctx.portal.getByTestId('ivr-menus-table'), 'Reception');
  await ctx.portal.screenshot({ path: join(SCREENSHOTS, 'ivr-menus.png'), fullPage: true });
  const menu = (await ctx.admin.get('/api/draft/ivr-menus')).body.find((m: { name: string }) => m.name === 'Reception');
  assert.equal(menu.choices, [
    { key: '1', destination: { type: 'user', userId: 'u101' } },
    { key: '2', destination: { type: 'voicemail', boxId: ctx.bobBoxId } },
  ]);
  assert.equal([menu.timeoutSeconds, menu.retries, menu.fallback], [3, 1, { type: 'user', userId: 'u102' }]);

  // The main line goes to the menu; a second number to opening hours (open: Alice, closed: Bob).
  const main = (await ctx.admin.get('/api/draft/incoming-numbers')).body[0];
  const { id: _id, ...mainFields } = main;
  assert.is((await ctx.admin.put(`/api/draft/incoming-numbers/${main.id}`, { ...mainFields, destination: { type: 'ivr', menuId: menu.id } })).status, 200);
  assert.is((await ctx.admin.put('/api/draft/settings', { timeZone: 'Europe/Paris' })).status, 200);
  const hours = await ctx.admin.post('/api/draft/opening-hours', {
    name: 'Office',
    ranges: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, from: '09:00', to: '18:00' })),
    holidays: [{ date: '2026-12-25', name: 'Christmas' }],
    open: { type: 'user', userId: 'u101' },
    closed: { type: 'user', userId: 'u102' },
  });
  assert.is(hours.status, 201, JSON.stringify(hours.body));
  ctx.hoursId = hours.body.entity.id;
  assert.is((await ctx.admin.post('/api/draft/incoming-numbers', { number: '+33100000300', label: 'Office line', destination: { type: 'opening-hours', openingHoursId: ctx.hoursId } })).status, 201);
  const applied = await ctx.admin.post('/api/draft/apply');
  assert.is(applied.status, 200, JSON.stringify(applied.body));

  ctx.alice = await SoftphonePage.open(await phones.newContext(), ctx.server.url);
  await ctx.alice.signInOnline('101', 'alice-secret');
  ctx.bob = await SoftphonePage.open(await phones.newContext(), ctx.server.url);
  await ctx.bob.signInOnline('102', 'bob-secret');
  ctx.caller = await CallerPage.open(await callerBrowser.newContext(), ctx.server.url);
});

test.after(async (ctx) => {
  for (const browser of ctx.browsers ?? []) await browser.close();
  await ctx.server?.stop();
});

/** Dials the main line and waits for the menu to answer (the call shows Connected). */
async function reachTheMenu(caller: CallerPage): Promise<void> {
  await caller.callListed('Main line');
  await caller.waitForStatus('Connected', 15_000);
  await caller.waitForAudio();
  await caller.openCallKeypad();
}

test('1 reaches Alice: her softphone rings, she answers, each hears the other', async ({ caller, alice }) => {
  await reachTheMenu(caller);
  // The spoken menu is heard before any key.
  const menuSound = summarize(await caller.listen(1500));
  assert.ok(menuSound.maxRmsDb > -40, `the menu is audible: ${JSON.stringify(menuSound)}`);
  await caller.pressCallKeys('1');
  assert.match(await alice.waitForIncoming(15_000), /Web caller/);
  await alice.answer();
  await alice.waitForStatus('Connected');
  await alice.waitForAudio();
  const [callerHears, aliceHears] = await Promise.all([caller.listen(2000, [TONE.phones, TONE.caller]), alice.listen(2000, [TONE.caller, TONE.phones])]);
  assert.ok(shareDominatedBy(callerHears, TONE.phones) >= 0.8, `the caller hears Alice's ${TONE.phones} Hz: ${JSON.stringify(summarize(callerHears))}`);
  assert.ok(shareDominatedBy(aliceHears, TONE.caller) >= 0.8, `Alice hears the caller's ${TONE.caller} Hz: ${JSON.stringify(summarize(aliceHears))}`);
  await caller.screenshot(SCREENSHOTS, 'ivr-caller-connected-to-alice');
  await caller.hangUp();
  await waitFor("Alice's call to end", () => alice.state(), (state) => state.call === null, 15_000);
});

test("2 reaches Bob's voicemail box: the greeting, the beep, and the message is saved", async ({ caller, admin, bobBoxId }) => {
  await reachTheMenu(caller);
  await caller.pressCallKeys('2');
  await waitFor('the beep', async () => (await caller.listen(150, [1000]))[0]?.probes[0] ?? -200, (db) => db > -30, 30_000);
  await waitFor('the end of the beep', async () => (await caller.listen(100, [1000]))[0]?.probes[0] ?? -200, (db) => db < -50, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 3500));
  await caller.hangUp();
  const box = await waitFor(
    "the message in Bob's box",
    async () => (await admin.get(`/api/voicemail/boxes/${bobBoxId}/messages`)).body,
    (body) => body.messages?.length === 1,
    20_000,
  );
  const seconds = box.messages[0].durationMs / 1000;
  assert.ok(seconds > 2.5 && seconds < 5, `a ${seconds} s message`);
  assert.is(box.messages[0].dialled, '+33100000101');
});

test('an invalid key says so and the menu repeats; with no key after that, the fallback rings Bob', async ({ caller, bob, alice }) => {
  await reachTheMenu(caller);
  const started = Date.now();
  await caller.pressCallKeys('7');
  // "That choice is not valid", the menu once more (1 repeat), 3 s of waiting: then Bob's phone.
  assert.match(await bob.waitForIncoming(40_000), /Web caller/);
  const waited = (Date.now() - started) / 1000;
  assert.ok(waited > 4, `the fallback came after the invalid choice, the repeat and the wait (${waited.toFixed(1)} s)`);
  assert.not.ok(await alice.ringing(), 'Alice does not ring');
  await caller.hangUp();
  await waitFor("Bob's phone to stop ringing", () => bob.ringing(), (ringing) => !ringing, 15_000);
});

test('opening hours follow the PBX clock: open rings Alice, closed (a Sunday, a holiday) rings Bob; the portal says which now', async (ctx) => {
  const { admin, caller, alice, bob, portal, hoursId } = ctx;
  const setClock = async (at: string) => assert.is((await admin.put('/api/test/clock', { at })).status, 200);
  const callOffice = async (expected: SoftphonePage, other: SoftphonePage) => {
    if ((await caller.state()).call) await caller.hangUp();
    await caller.callListed('Office line');
    await expected.waitForIncoming(15_000);
    assert.not.ok(await other.ringing(), 'only one branch rings');
    await caller.hangUp();
    await waitFor('the ringing to stop', () => expected.ringing(), (ringing) => !ringing, 15_000);
  };
  const portalSays = async (expected: RegExp) => {
    await portal.goto(`${ctx.server.url}/portal/#/opening-hours`);
    await portal.reload();
    return waitForText(portal.getByTestId(`opening-hours-now-${hoursId}`), expected, 15_000);
  };

  await setClock('2026-11-23T10:00:00+01:00'); // a Monday, 10:00 in Paris
  assert.match(await portalSays(/^Open/), /Open \(09:00–18:00\)/);
  await portal.screenshot({ path: join(SCREENSHOTS, 'opening-hours-open.png'), fullPage: true });
  await callOffice(alice, bob);

  await setClock('2026-11-22T10:00:00+01:00'); // the Sunday before
  assert.is(await portalSays(/^Closed/), 'Closed');
  await callOffice(bob, alice);

  await setClock('2026-12-25T10:00:00+01:00'); // a Friday, but Christmas
  assert.match(await portalSays(/holiday/), /Closed \(holiday: Christmas\)/);
  await portal.getByRole('link', { name: 'Office', exact: true }).click();
  await waitForText(portal.getByTestId('opening-hours-now'), 'Closed (holiday: Christmas)');
  await portal.screenshot({ path: join(SCREENSHOTS, 'opening-hours-edit.png'), fullPage: true });
  await callOffice(bob, alice);
  await admin.put('/api/test/clock', { at: null });
});

test.run();
