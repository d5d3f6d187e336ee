// The administration portal in a real browser, doing what an admin does: sign in, change settings,
// add a user and a voicemail box, route the main number, set a forwarding, review and apply the
// changes, then restart the PBX and find everything in production.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProductionSnapshot } from '../../client/portal/api.ts';
import { launchBrowser } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

interface Context {
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

const portal = suite<Context>('portal');

portal.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  ctx.server = await startServer();
  ctx.browser = await launchBrowser();
  ctx.context = await ctx.browser.newContext({ viewport: { width: 1360, height: 860 } });
  ctx.page = await ctx.context.newPage();
  ctx.page.setDefaultTimeout(10_000);
  ctx.page.on('pageerror', (error) => console.error('page error:', error.message));
});

portal.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.stop();
});

/** Waits until the element's text contains `expected` (playwright-core has no `expect`), then checks it. */
async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await locator.textContent({ timeout: 1000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (matches(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.unreachable(`expected ${locator} to contain ${expected}, it says: "${text}"`);
  return text;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

async function signIn(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.url}/portal/`);
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByLabel('Name').fill('admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('pending-changes').waitFor();
}

/** Opens the review, checks it lists `expected`, confirms, and returns the "Version N applied" line. */
async function applyChanges(page: Page, name: string, expected: string[]): Promise<string> {
  await page.getByTestId('apply-changes').click();
  const dialog = page.getByRole('dialog', { name: 'Apply changes' });
  await dialog.getByTestId('change-list').waitFor();
  const review = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
  for (const line of expected) assert.ok(review.includes(line), `the review mentions "${line}"; it says: ${review}`);
  await screenshot(page, name);
  await dialog.getByRole('button', { name: 'Confirm and apply' }).click();
  const result = await waitForText(page.getByTestId('apply-result'), /Version \d+ applied/);
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');
  return result;
}

portal('refuses a wrong password, then signs in', async ({ page, server }) => {
  await page.goto(`${server.url}/portal/`);
  await page.getByRole('heading', { name: 'Sign in to the administration portal' }).waitFor();
  await screenshot(page, 'login');
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForText(page.getByTestId('login-error'), 'Wrong name or password.');

  await signIn(page, server);
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');
  assert.is(await page.getByTestId('apply-changes').textContent(), 'Apply changes');
});

portal('Settings: the language becomes Deutsch once applied', async ({ page }) => {
  await openSection(page, 'Settings');
  const language = page.getByLabel('Language', { exact: true });
  const options = await language.locator('option').allTextContents();
  assert.equal(options, ['Français', 'English', 'Español', 'Deutsch']);
  await language.selectOption({ label: 'Deutsch' });
  await screenshot(page, 'settings');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitForText(page.getByTestId('pending-changes'), '1 pending change');

  const result = await applyChanges(page, 'apply-review-settings', ['Global settings', 'Language: English → Deutsch']);
  assert.is(result, 'Version 2 applied');
});

portal('Users: a new user with voicemail gets a box on Voicemails', async ({ page }) => {
  await openSection(page, 'Users');
  await page.getByRole('link', { name: 'Add a user' }).click();
  await page.getByRole('heading', { name: 'Add a user' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Claire Petit');
  await page.getByLabel('Extension').fill('103');
  await page.getByLabel('E-mail').fill('not-an-address');
  await page.getByLabel('Password').fill('123');
  await page.getByLabel('Voicemail').selectOption({ label: 'Yes' });
  await page.getByRole('button', { name: 'Add the user' }).click();
  // The API's per-field messages appear next to their fields, and nothing is written.
  await waitForText(page.getByTestId('error-user-email'), 'e-mail');
  await waitForText(page.getByTestId('error-user-password'), '6 characters');
  await screenshot(page, 'user-add-errors');
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');

  await page.getByLabel('E-mail').fill('claire@example.com');
  await page.getByLabel('Password').fill('claire-secret');
  await page.getByRole('button', { name: 'Add the user' }).click();
  const row = page.getByTestId('user-row-103');
  await waitForText(row, 'Claire Petit');
  assert.ok((await row.textContent())?.includes('claire@example.com'));
  assert.ok((await row.textContent())?.includes('Yes'));
  await screenshot(page, 'users');

  await openSection(page, 'Voicemails');
  const box = page.getByTestId('voicemails-table').getByRole('row').filter({ hasText: 'Claire Petit' });
  await waitForText(box, 'User Claire Petit (103)');
  assert.ok((await box.textContent())?.includes('claire@example.com'));
  assert.ok((await box.textContent())?.includes('Default greeting'));
});

portal('Voicemails: a box added by hand', async ({ page }) => {
  await openSection(page, 'Voicemails');
  await page.getByRole('link', { name: 'Add a voicemail' }).click();
  await page.getByRole('heading', { name: 'Add a voicemail' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Sales');
  await page.getByLabel('Notification e-mail').fill('sales@example.com');
  await page.getByLabel('PIN').fill('4321');
  // Asterisk's limits are the defaults.
  assert.is(await page.getByLabel('Longest message (seconds)').inputValue(), '180');
  assert.is(await page.getByLabel('Shortest message kept (seconds)').inputValue(), '2');
  assert.is(await page.getByLabel('Silence that ends a message (seconds)').inputValue(), '10');
  assert.is(await page.getByLabel('Messages kept at most').inputValue(), '100');
  await screenshot(page, 'voicemail-add');
  await page.getByRole('button', { name: 'Add the voicemail' }).click();
  const row = page.getByTestId('voicemails-table').getByRole('row').filter({ hasText: 'Sales' });
  await waitForText(row, 'Added by hand');
  assert.ok((await row.textContent())?.includes('sales@example.com'));
  await screenshot(page, 'voicemails');

  // A user's box shows its name and e-mail as the user's, read-only.
  await page.getByRole('link', { name: 'Edit Alice Martin' }).click();
  await page.getByRole('heading', { name: 'Voicemail Alice Martin' }).waitFor();
  assert.ok(await page.getByLabel('Name', { exact: true }).getAttribute('readonly') !== null);
  assert.ok(await page.getByLabel('Notification e-mail').getAttribute('readonly') !== null);
  await screenshot(page, 'voicemail-edit-user-box');
});

portal('Incoming numbers: the main line goes to the Sales box and takes SMS', async ({ page }) => {
  await openSection(page, 'Incoming numbers');
  const row = page.getByTestId('number-row-n-main');
  await waitForText(row, 'User Alice Martin (101)');
  assert.ok((await row.textContent())?.includes('Main line'));
  await row.getByRole('link', { name: 'Edit +33100000101' }).click();
  await page.getByRole('heading', { name: '+33100000101' }).waitFor();

  const type = page.getByLabel('Destination type for voice call');
  assert.equal(await type.locator('option').allTextContents(), ['User', 'Voicemail', 'IVR menu', 'Opening hours', 'Conference room', 'Hang up']);
  await type.selectOption({ label: 'Voicemail' });
  await page.getByLabel('Voicemail box').selectOption({ label: 'Sales' });
  assert.is(await page.getByLabel('Destination email address for incoming SMS').count(), 0, 'the SMS address shows only for SMS-compatible numbers');
  await page.getByLabel('SMS compatible').check();
  const smsEmail = page.getByLabel('Destination email address for incoming SMS');
  assert.is(await smsEmail.getAttribute('placeholder'), 'empty: the default address is used');
  await smsEmail.fill('sms@example.com');
  await screenshot(page, 'number-edit');
  await page.getByRole('button', { name: 'Save' }).click();

  await waitForText(page.getByTestId('number-row-n-main'), 'Voicemail Sales');
  assert.ok((await page.getByTestId('number-row-n-main').textContent())?.includes('sms@example.com'));
  await screenshot(page, 'numbers');
});

portal('Forwardings: on no answer to Bob, then voicemail', async ({ page }) => {
  await openSection(page, 'Users');
  await page.getByRole('link', { name: 'Claire Petit', exact: true }).click();
  await page.getByRole('heading', { name: 'Claire Petit (103)' }).waitFor();
  await screenshot(page, 'user-general');
  assert.is(await page.getByLabel('Password').getAttribute('placeholder'), 'leave empty to keep');
  await page.getByRole('tab', { name: 'Forwardings' }).click();

  const noAnswer = page.getByTestId('forwarding-noAnswer');
  await noAnswer.getByLabel('Enable forwarding on no answer').check();
  assert.is(await noAnswer.getByLabel('Forward after (seconds)').inputValue(), '20');
  await noAnswer.getByLabel('Forward after (seconds)').fill('15');
  await noAnswer.getByLabel('Add a target to forwarding on no answer').selectOption({ label: 'Bob Durand (102)' });
  await noAnswer.getByRole('button', { name: 'Add' }).click();
  await noAnswer.getByLabel('Add a target to forwarding on no answer').selectOption({ label: 'Sales' });
  await noAnswer.getByRole('button', { name: 'Add' }).click();
  // Sales first, then Bob: reorder, then drop Sales again.
  await noAnswer.getByRole('button', { name: 'Move step 2 up' }).click();
  await waitForText(noAnswer.getByRole('listitem').first(), 'Sales');
  await noAnswer.getByRole('button', { name: 'Remove step 1' }).click();
  const steps = await noAnswer.getByRole('listitem').allTextContents();
  assert.is(steps.length, 1);
  assert.ok(steps[0]!.includes('Bob Durand (102)'));
  assert.ok(await noAnswer.getByLabel('Send to voicemail as a last resort').isChecked());
  await screenshot(page, 'user-forwardings');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitForText(page.getByTestId('user-row-103'), 'Claire Petit');
});

portal('Audio messages and music on hold', async ({ page }) => {
  await openSection(page, 'Audio messages');
  await page.getByRole('link', { name: 'Add a message' }).click();
  await page.getByLabel('Name').fill('Welcome');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.getByTestId('audio-messages-table').getByRole('row').filter({ hasText: 'Welcome' });
  await waitForText(row, 'No audio yet');
  await screenshot(page, 'audio-messages');
  // Recording itself is tested in record-message.test.ts; here the dialog opens and closes.
  await row.getByRole('button', { name: 'Record/Listen' }).click();
  await page.getByRole('dialog').getByLabel('Extension to use for message management').waitFor();
  await screenshot(page, 'audio-message-record');
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  assert.is(await page.getByRole('dialog').count(), 0);

  await openSection(page, 'Music on hold');
  await waitForText(page.getByTestId('current-music'), 'Default music');
  await page.getByRole('button', { name: 'Change the music on hold' }).click();
  // The upload itself is tested in music-on-hold.test.ts; here the dialog opens and closes.
  await page.getByRole('dialog', { name: 'Change the music on hold' }).getByLabel('Choose File').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  assert.is(await page.getByRole('dialog').count(), 0);
  await screenshot(page, 'music-on-hold');
});

portal('the pending changes are counted, reviewed in words and applied', async ({ page }) => {
  // Claire and her box, the Sales box, the main line, the Welcome message.
  await waitForText(page.getByTestId('pending-changes'), '5 pending changes');
  await openSection(page, 'Changes & history');
  await waitForText(page.getByTestId('change-list'), 'Claire Petit (103)');
  await screenshot(page, 'changes');

  const result = await applyChanges(page, 'apply-review', [
    'Added User Claire Petit (103)',
    'Added Voicemail box Sales',
    'Changed Incoming number +33100000101 (Main line)',
    'Destination: user Alice Martin (101) → voicemail box Sales',
    'SMS compatible: No → Yes',
    'Added Audio message Welcome',
  ]);
  assert.is(result, 'Version 3 applied');
  await waitForText(page.getByTestId('versions-table'), 'Version 3');
  await screenshot(page, 'history');
});

portal('after a restart everything is in production', async (ctx) => {
  await ctx.server.stop();
  ctx.server = await startServer({ dataDir: ctx.server.dataDir });
  await ctx.context.clearCookies();
  const { page, server } = ctx;
  await signIn(page, server);
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');

  await openSection(page, 'Settings');
  assert.is(await page.getByLabel('Language', { exact: true }).inputValue(), 'de');
  await openSection(page, 'Users');
  await waitForText(page.getByTestId('user-row-103'), 'claire@example.com');
  await openSection(page, 'Voicemails');
  await waitForText(page.getByTestId('voicemails-table'), 'sales@example.com');
  await openSection(page, 'Incoming numbers');
  await waitForText(page.getByTestId('number-row-n-main'), 'Voicemail Sales');
  await openSection(page, 'Users');
  await page.getByRole('link', { name: 'Claire Petit', exact: true }).click();
  await page.getByRole('tab', { name: 'Forwardings' }).click();
  const noAnswer = page.getByTestId('forwarding-noAnswer');
  assert.ok(await noAnswer.getByLabel('Enable forwarding on no answer').isChecked());
  assert.is(await noAnswer.getByLabel('Forward after (seconds)').inputValue(), '15');
  await waitForText(noAnswer.getByRole('listitem').first(), 'Bob Durand (102)');

  const response = await page.request.get(`${server.url}/api/production`);
  assert.is(response.status(), 200);
  const production = (await response.json()) as ProductionSnapshot;
  const { config } = production;
  assert.is(production.version, 3);
  assert.is(production.appliedBy, 'admin');
  assert.is(config.settings.language, 'de');
  const claire = config.users.find((u) => u.extension === '103');
  assert.ok(claire, 'user 103 is in production');
  assert.is(claire.name, 'Claire Petit');
  assert.is(claire.voicemail, true);
  assert.equal(claire.forwardings.noAnswer, {
    enabled: true,
    afterSeconds: 15,
    targets: [{ type: 'user', userId: 'u102' }],
    voicemailLastResort: true,
  });
  assert.is(claire.forwardings.busy.enabled, false);
  const claireBox = config.voicemailBoxes.find((b) => b.owner.type === 'user' && b.owner.userId === claire.id);
  assert.ok(claireBox?.enabled, "Claire's box is in production");
  const sales = config.voicemailBoxes.find((b) => b.name === 'Sales');
  assert.ok(sales, 'the Sales box is in production');
  assert.equal(sales.owner, { type: 'manual' });
  assert.is(sales.email, 'sales@example.com');
  assert.is(sales.pin, '4321');
  assert.equal(sales.limits, { maxMessageSeconds: 180, minMessageSeconds: 2, silenceEndSeconds: 10, maxMessages: 100 });
  const main = config.incomingNumbers.find((n) => n.id === 'n-main');
  assert.equal(main?.destination, { type: 'voicemail', boxId: sales.id });
  assert.is(main?.smsCompatible, true);
  assert.is(main?.smsEmail, 'sms@example.com');
  assert.ok(config.audioMessages.some((m) => m.name === 'Welcome'));
});

portal('two admins at once: a save based on an old revision is refused, then the draft reloads', async ({ page, server }) => {
  await openSection(page, 'Settings');
  assert.is(await page.getByLabel('Language', { exact: true }).inputValue(), 'de');
  // Another admin changes the draft meanwhile (no If-Match: an unchecked write).
  const other = await page.request.put(`${server.url}/api/draft/settings`, { data: { language: 'fr', defaultSmsEmail: '' } });
  assert.is(other.status(), 200);

  await page.getByLabel('Default e-mail for incoming SMS').fill('sms-default@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  const banner = page.getByTestId('error-banner');
  await banner.waitFor();
  await screenshot(page, 'settings-stale');
  await banner.getByRole('button', { name: 'Reload the draft' }).click();
  await waitForText(page.getByTestId('pending-changes'), '1 pending change');
  assert.is(await page.getByLabel('Language', { exact: true }).inputValue(), 'fr', 'the form shows the other admin’s edit');
  assert.is(await page.getByLabel('Default e-mail for incoming SMS').inputValue(), '');
  assert.is(await page.getByTestId('error-banner').count(), 0);
});

portal('a draft with problems is refused with its problems listed, then discarded', async ({ page, server }) => {
  await openSection(page, 'Users');
  await page.getByRole('link', { name: 'Bob Durand', exact: true }).click();
  await page.getByLabel('Voicemail').selectOption({ label: 'No' });
  await page.getByRole('tab', { name: 'Forwardings' }).click();
  const busy = page.getByTestId('forwarding-busy');
  await busy.getByLabel('Enable forwarding on busy').check();
  assert.ok(await busy.getByLabel('Send to voicemail as a last resort').isChecked());
  // Forward to Claire, whom the admin deletes next: the chain then points at nobody.
  await busy.getByLabel('Add a target to forwarding on busy').selectOption({ label: 'Claire Petit (103)' });
  await busy.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await waitForText(page.getByTestId('user-row-102'), 'No');

  // Deleting a user asks first, and keeps the user's box (disabled, as a box added by hand).
  await page.getByRole('link', { name: 'Claire Petit', exact: true }).click();
  await page.getByRole('button', { name: 'Delete user' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this user?' });
  await waitForText(confirm, 'Claire Petit (103)');
  await screenshot(page, 'user-delete-confirm');
  await confirm.getByRole('button', { name: 'Delete user' }).click();
  await page.getByTestId('users-table').waitFor();
  assert.is(await page.getByTestId('user-row-103').count(), 0);
  await openSection(page, 'Voicemails');
  const keptBox = page.getByTestId('voicemails-table').getByRole('row').filter({ hasText: 'claire@example.com' });
  await waitForText(keptBox, 'Added by hand');
  assert.ok((await keptBox.textContent())?.includes('No'), 'the kept box is disabled');

  await page.getByTestId('apply-changes').click();
  const review = page.getByRole('dialog', { name: 'Apply changes' });
  await review.getByTestId('change-list').waitFor();
  await review.getByRole('button', { name: 'Confirm and apply' }).click();
  const refused = page.getByRole('dialog', { name: 'Changes not applied' });
  await waitForText(refused.getByTestId('apply-error'), 'User Bob Durand (102): forwarding on busy step 1 rings a user that no longer exists');
  await screenshot(page, 'apply-refused');
  await refused.getByRole('button', { name: 'Close', exact: true }).last().click();

  await page.getByTestId('apply-changes').click();
  await page.getByRole('dialog', { name: 'Apply changes' }).getByRole('button', { name: 'Discard draft' }).click();
  await page.getByRole('dialog', { name: 'Discard the draft?' }).getByRole('button', { name: /^Discard \d+ pending changes?$/ }).click();
  await waitForText(page.getByTestId('apply-result'), 'The draft is the configuration in production again.');
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');
  await openSection(page, 'Users');
  await waitForText(page.getByTestId('user-row-102'), 'Yes');
  await waitForText(page.getByTestId('user-row-103'), 'Claire Petit');

  const production = (await (await page.request.get(`${server.url}/api/production`)).json()) as ProductionSnapshot;
  assert.is(production.version, 3, 'nothing was published');
  assert.is(production.config.users.find((u) => u.id === 'u102')?.voicemail, true);
  assert.is(production.config.settings.language, 'de');
});

// Last: it locks the admin account.
portal('signing out, then too many wrong passwords lock the account until a given time', async ({ page }) => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  let message = '';
  for (let attempt = 1; attempt <= 6 && !message.includes('locked'); attempt++) {
    await page.getByLabel('Password').fill(`wrong-${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Each answer replaces the message; wait for the button to be usable again before reading it.
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForFunction(() => !(document.querySelector('button[type=submit]') as HTMLButtonElement | null)?.disabled);
    message = await waitForText(page.getByTestId('login-error'), /Wrong name or password|locked/);
  }
  assert.match(message, /^Too many wrong passwords: this account is locked until \d\d:\d\d\. Try again later\.$/);
  await screenshot(page, 'login-locked');
});

portal.run();
