// Voicemail in real browsers: the softphone's Voicemail tab (message-waiting count, playing the Ogg
// recording in the page, heard, download, delete, the e-mail's link) and the portal's message
// counts, a box's messages and the Outbox. The messages are made through the store's API in the
// server's DATA_DIR before it starts (the call side records them in production); no SMTP server
// is configured, so the notices wait in the outbox where the portal shows them.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { playAudio, setUpUsers, SoftphonePage, waitFor, waitForText } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { seedVoicemail } from '../support/voicemail-fixtures.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const PASSWORD = { '101': 'alice-secret', '102': 'bob-secret' };

interface Context {
  server: RunningServer;
  browser: Browser;
  phone: SoftphonePage;
  ids: { jean: string; bob: string; heard: string; forBob: string };
}

const test = suite<Context>('voicemail in the browser');

test.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-voicemail-ui-'));
  const today = new Date();
  const at = (hoursAgo: number) => new Date(today.getTime() - hoursAgo * 3600_000).toISOString();
  const [heard, jean, bob, forBob] = await seedVoicemail(dataDir, [
    { boxId: 'vm-u101', callerName: 'Claire Petit', callerNumber: '+33611111111', dialled: '101', startedAt: at(30), seconds: 2, toneHz: 400, state: 'heard' },
    { boxId: 'vm-u101', callerName: 'Jean Dupont', callerNumber: '+33612345678', dialled: '+33100000101', startedAt: at(3), seconds: 3, toneHz: 500 },
    { boxId: 'vm-u101', callerName: 'Bob Durand', callerNumber: '102', dialled: '101', startedAt: at(1), seconds: 2, toneHz: 700 },
    { boxId: 'vm-u102', callerName: 'Alice Martin', callerNumber: '101', dialled: '102', startedAt: at(2), seconds: 2, toneHz: 900 },
  ]);
  ctx.ids = { jean: jean!, bob: bob!, heard: heard!, forBob: forBob! };
  ctx.server = await startServer({ dataDir });
  const admin = new ApiClient(ctx.server.url);
  await admin.loginAdmin(ctx.server.adminPassword);
  await setUpUsers(admin, PASSWORD);
  ctx.browser = await launchBrowser();
  const context = await ctx.browser.newContext({ viewport: { width: 1100, height: 860 }, acceptDownloads: true });
  ctx.phone = await SoftphonePage.open(context, ctx.server.url);
});

test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.stop();
});

const entries = (page: Page) => page.getByTestId('voicemail-message');
const entry = (page: Page, id: string) => page.locator(`[data-testid="voicemail-message"][data-message-id="${id}"]`);


test('the softphone shows the new messages: in the top bar, on the tab, in the title', async ({ phone }) => {
  await phone.signInOnline('101', PASSWORD['101']);
  assert.is(await waitForText(phone.page.getByTestId('message-waiting'), '2 new messages'), '2 new messages');
  assert.is(await waitForText(phone.page.getByTestId('voicemail-badge'), '2'), '2');
  await waitFor('the title', () => phone.page.title(), (title) => title.startsWith('(2) '));
});

test('the Voicemail tab lists the messages, newest first; one plays in the page and becomes heard', async ({ phone, ids }) => {
  await phone.page.getByTestId('message-waiting').click();
  await entries(phone.page).first().waitFor();
  assert.equal(await entries(phone.page).evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-message-id'), r.getAttribute('data-status')])), [
    [ids.bob, 'new'],
    [ids.jean, 'new'],
    [ids.heard, 'heard'],
  ]);
  assert.match(await phone.page.getByTestId('voicemail-summary').textContent() ?? '', /Alice Martin · 2 new · 1 heard/);
  const jean = entry(phone.page, ids.jean);
  assert.match((await jean.textContent()) ?? '', /Jean Dupont\s*New/);
  assert.match((await jean.textContent()) ?? '', /0:03/);
  await jean.getByRole('button', { name: 'Open the message from Jean Dupont' }).click();
  await jean.getByTestId('voicemail-audio').waitFor();
  await phone.screenshot(SCREENSHOTS, 'phone-voicemail');
  assert.is(await jean.getByTestId('voicemail-audio').getAttribute('src'), `/api/phone/voicemail/${ids.jean}/audio`);
  const duration = await playAudio(phone.page, `[data-message-id="${ids.jean}"] audio`);
  assert.ok(Math.abs(duration - 3) < 0.1, `the Ogg Opus recording plays, ${duration} s long`);
  await waitFor('heard', () => jean.getAttribute('data-status'), (status) => status === 'heard');
  assert.is(await waitForText(phone.page.getByTestId('voicemail-badge'), '1'), '1');
  assert.is(await waitForText(phone.page.getByTestId('message-waiting'), '1 new message'), '1 new message');
  assert.match(phone.page.url(), new RegExp(`#voicemail/${ids.jean}$`), 'the address says which message is open');
});

test('download gives the Ogg file; "Mark as heard" clears the indicator', async ({ phone, ids }) => {
  const jean = entry(phone.page, ids.jean);
  const [download] = await Promise.all([phone.page.waitForEvent('download'), jean.getByRole('link', { name: 'Download' }).click()]);
  assert.match(download.suggestedFilename(), /^voicemail-\d{8}-\d{4}-33612345678\.ogg$/);
  const bob = entry(phone.page, ids.bob);
  await bob.getByRole('button', { name: 'Open the message from Bob Durand' }).click();
  await bob.getByRole('button', { name: 'Mark as heard' }).click();
  await waitFor('heard', () => bob.getAttribute('data-status'), (status) => status === 'heard');
  await phone.page.getByTestId('message-waiting').waitFor({ state: 'detached' });
  assert.is(await phone.page.getByTestId('voicemail-badge').count(), 0);
  await waitFor('the title', () => phone.page.title(), (title) => title === 'Switchboard · Softphone');
});

test('delete asks first, then the message is gone', async ({ phone, ids, server }) => {
  const bob = entry(phone.page, ids.bob);
  await bob.getByRole('button', { name: 'Delete' }).click();
  await bob.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Keep' }).click();
  assert.is(await entries(phone.page).count(), 3);
  await bob.getByRole('button', { name: 'Delete' }).click();
  await bob.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
  await bob.waitFor({ state: 'detached' });
  assert.is(await entries(phone.page).count(), 2);
  assert.match(await phone.page.getByTestId('voicemail-summary').textContent() ?? '', /0 new · 2 heard/);
  const alice = new ApiClient(server.url);
  await alice.post('/api/phone/session', { extension: '101', password: PASSWORD['101'] });
  assert.equal((await alice.get('/api/phone/voicemail')).body.counts, { new: 0, heard: 2 });
});

test("the e-mail's link opens the message; a link to someone else's message shows nothing of it", async ({ phone, ids, server }) => {
  await phone.page.goto(`${server.url}/phone/#voicemail/${ids.heard}`);
  await phone.waitOnline();
  const heard = entry(phone.page, ids.heard);
  await heard.getByTestId('voicemail-audio').waitFor();
  assert.is(await heard.getByRole('button', { name: /the message from Claire Petit/ }).getAttribute('aria-expanded'), 'true');
  await phone.page.goto(`${server.url}/phone/#voicemail/${ids.forBob}`);
  await phone.waitOnline();
  await waitForText(phone.page.getByRole('status').filter({ hasText: 'not in your voicemail' }), 'This message is not in your voicemail (anymore).');
  assert.is(await entry(phone.page, ids.forBob).count(), 0);
});

async function signInPortal(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.url}/portal/`);
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('pending-changes').waitFor();
}

test('portal: each box’s counts; a box’s messages play and download', async ({ browser, server, ids }) => {
  const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(10_000);
  await signInPortal(page, server);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Voicemails', exact: true }).click();
  assert.is(await waitForText(page.getByTestId('voicemail-counts-vm-u101'), 'heard'), '0 new · 2 heard');
  assert.is(await waitForText(page.getByTestId('voicemail-counts-vm-u102'), 'new'), '1 new · 0 heard');
  await page.screenshot({ path: join(SCREENSHOTS, 'voicemails-counts.png'), fullPage: true });
  await page.getByRole('link', { name: 'Messages of Bob Durand' }).click();
  await page.getByRole('heading', { name: 'Messages of Bob Durand' }).waitFor();
  const row = page.getByTestId(`voicemail-message-row-${ids.forBob}`);
  assert.match((await row.textContent()) ?? '', /Alice Martin.*101.*102.*0:02.*New/);
  const duration = await playAudio(page, `[data-testid="voicemail-message-row-${ids.forBob}"] audio`);
  assert.ok(Math.abs(duration - 2) < 0.1, `${duration} s`);
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
  assert.match(download.suggestedFilename(), /\.ogg$/);
  await page.screenshot({ path: join(SCREENSHOTS, 'voicemail-messages.png'), fullPage: true });
  await page.close();
});

test('portal Outbox: the notices wait, not sent (no SMTP server configured), the MP3 plays, the e-mail reads', async ({ browser, server, ids }) => {
  const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
  page.setDefaultTimeout(10_000);
  await signInPortal(page, server);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
  await page.getByTestId('outbox-not-configured').waitFor();
  // Made at start-up for the four messages made before it (their notices had never been queued).
  const rows = page.getByTestId('outbox-table').locator('tbody tr');
  await waitFor(
    'four notices',
    async () => {
      if ((await rows.count()) < 4) await page.getByRole('button', { name: 'Refresh' }).click();
      return rows.count();
    },
    (n) => n === 4,
    20_000,
  );
  const row = page.getByTestId(`notice-row-voicemail-${ids.jean}`);
  const text = ((await row.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.ok(text.includes('alice@example.com'), text);
  assert.ok(text.includes('New voicemail from Jean Dupont (0:03)'), text);
  assert.match(text, /Not sent\s*\(no SMTP server configured\)/);
  assert.ok(text.includes('voicemail-'), text);
  assert.match(text, /\.mp3/);
  const duration = await playAudio(page, `[data-testid="notice-row-voicemail-${ids.jean}"] audio`);
  assert.ok(Math.abs(duration - 3) < 0.15, `the MP3 attachment plays, ${duration} s long`);
  await page.screenshot({ path: join(SCREENSHOTS, 'outbox.png'), fullPage: true });
  await row.getByRole('link', { name: 'New voicemail from Jean Dupont (0:03)' }).click();
  const body = await waitForText(page.getByTestId('notice-text'), 'Jean Dupont');
  assert.ok(body.includes('You have a new voicemail message in the box “Alice Martin”.'));
  assert.ok(body.includes(`/phone/#voicemail/${ids.jean}`));
  assert.match((await page.getByTestId('notice-details').textContent()) ?? '', /Not sent \(no SMTP server configured\)/);
  await page.screenshot({ path: join(SCREENSHOTS, 'outbox-notice.png'), fullPage: true });
  await page.close();
});

test.run();
