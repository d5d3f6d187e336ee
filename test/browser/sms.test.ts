// Incoming SMS in the portal, in a real browser: an admin makes the main line SMS compatible and
// applies it; a carrier adapter posts signed SMS (one with markup in its text); the admin finds
// them under that number, newest first, the text shown as text, each e-mail marked sent once the
// real SMTP server on loopback took it; another number's SMS are not there.
// Needs the built client (`npx vite build`); screenshots land in test-output/screenshots/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { waitFor, waitForText } from '../support/phone-pages.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { sendSms } from '../support/sms-webhook.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const SECRET = 'browser-sms-secret-0123456789';
const MAIN = '+33100000101';
const OTHER = '+33100000202';

interface Context {
  smtp: TestSmtpServer;
  server: RunningServer;
  browser: Browser;
  page: Page;
}

const test = suite<Context>('portal: incoming SMS');

test.before(async (ctx) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  ctx.smtp = await startSmtpServer();
  ctx.server = await startServer({ env: { SMTP_URL: `smtp://127.0.0.1:${ctx.smtp.port}`, SMS_WEBHOOK_SECRET: SECRET } });
  ctx.browser = await launchBrowser();
  const context = await ctx.browser.newContext({ viewport: { width: 1360, height: 860 } });
  ctx.page = await context.newPage();
  ctx.page.setDefaultTimeout(10_000);
  ctx.page.on('pageerror', (error) => console.error('page error:', error.message));
  ctx.page.on('dialog', (dialog) => {
    console.error('unexpected dialog:', dialog.message());
    void dialog.dismiss();
  });
});

test.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.server?.stop();
  await ctx.smtp?.close();
});

async function applyChanges(page: Page): Promise<void> {
  await page.getByTestId('apply-changes').click();
  const dialog = page.getByRole('dialog', { name: 'Apply changes' });
  await dialog.getByTestId('change-list').waitFor();
  await dialog.getByRole('button', { name: 'Confirm and apply' }).click();
  await waitForText(page.getByTestId('apply-result'), /Version \d+ applied/);
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await waitForText(page.getByTestId('pending-changes'), 'No pending changes');
}

test('the portal lists each number’s SMS under it, as text, with their e-mail', async ({ page, server, smtp }) => {
  // A second SMS-compatible number, set up through the API: its SMS must not show under the main line.
  const admin = new ApiClient(server.url);
  await admin.loginAdmin(server.adminPassword);
  const other = await admin.post('/api/draft/incoming-numbers', { number: OTHER, label: 'Support', destination: { type: 'user', userId: 'u101' }, preAnswerMessageId: null, smsCompatible: true, smsEmail: 'support@example.com' });
  assert.is(other.status, 201);

  await page.goto(`${server.url}/portal/`);
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill(server.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incoming numbers', exact: true }).click();
  await page.getByTestId('number-row-n-main').getByRole('link', { name: `Edit ${MAIN}` }).click();
  await page.getByLabel('SMS compatible').check();
  await page.getByLabel('Destination email address for incoming SMS').fill('sales@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitForText(page.getByTestId('number-row-n-main'), 'sales@example.com');
  await applyChanges(page);

  const markup = 'Call me <b>now</b> <img src=x onerror="window.__smsInjected = true">\nsecond line & more';
  const sent = [
    await sendSms(server.url, SECRET, { from: '+33611111111', to: MAIN, text: 'First SMS' }),
    await sendSms(server.url, SECRET, { from: '+33622222222', to: OTHER, text: 'For support only' }),
    await sendSms(server.url, SECRET, { from: '+33633333333', to: MAIN, text: markup }),
  ];
  for (const answer of sent) assert.is(answer.status, 201, JSON.stringify(answer.body));
  await smtp.waitForMessages(3);

  await page.getByTestId('number-row-n-main').getByRole('link', { name: `SMS to ${MAIN}` }).click();
  await page.getByRole('heading', { level: 1, name: `SMS to ${MAIN}` }).waitFor();
  await waitForText(page.getByTestId('sms-routing'), 'SMS to this number are e-mailed to sales@example.com (this number’s address).');
  const rows = page.getByTestId('sms-table').locator('tbody tr');
  await waitFor('two SMS listed', () => rows.count(), (count) => count === 2);
  // Newest first; the text exactly as sent, line break included, no element made of it.
  const cells = page.getByTestId('sms-text');
  assert.equal(await cells.evaluateAll((all) => all.map((cell) => cell.textContent)), [markup, 'First SMS']);
  assert.is(await cells.first().locator('b, img').count(), 0, 'markup is not rendered');
  assert.is(await page.evaluate(() => (window as { __smsInjected?: boolean }).__smsInjected ?? false), false);
  assert.ok((await rows.first().textContent())?.includes('+33633333333'));
  assert.not.ok((await page.getByTestId('sms-table').textContent())?.includes('For support only'), 'another number’s SMS are not here');
  // Each e-mail says where it went; once the SMTP server took it, Sent (Refresh reads it again).
  await waitFor(
    'both e-mails marked sent',
    async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
      return rows.allTextContents();
    },
    (texts) => texts.length === 2 && texts.every((text) => text.includes('Sent')),
  );
  await waitForText(rows.first(), /Sent\s*sales@example\.com/);
  await waitForText(rows.nth(1), /Sent\s*sales@example\.com/);
  await page.screenshot({ path: `${SCREENSHOTS}number-sms.png`, fullPage: true });

  // The e-mail's link leads to the notice in the outbox.
  await rows.first().getByRole('link', { name: 'sales@example.com' }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await waitForText(page.locator('main'), `SMS from +33633333333 to ${MAIN}`);

  // The other number lists its own.
  await page.goto(`${server.url}/portal/#/numbers/${other.body.entity.id}/sms`);
  await waitForText(page.getByTestId('sms-table'), 'For support only');
  assert.is(await page.getByTestId('sms-table').locator('tbody tr').count(), 1);
});

test('a number with no address anywhere (a production from before Apply checked it): the portal says its SMS are kept, not e-mailed', async (ctx) => {
  await ctx.server.stop();
  const file = join(ctx.server.dataDir, 'production.json');
  const production = JSON.parse(await readFile(file, 'utf8'));
  for (const number of production.config.incomingNumbers) if (number.id === 'n-main') number.smsEmail = '';
  production.config.settings.defaultSmsEmail = '';
  await writeFile(file, JSON.stringify(production));
  ctx.server = await startServer({ dataDir: ctx.server.dataDir, env: { SMTP_URL: `smtp://127.0.0.1:${ctx.smtp.port}`, SMS_WEBHOOK_SECRET: SECRET } });
  const answer = await sendSms(ctx.server.url, SECRET, { from: '+33644444444', to: MAIN, text: 'Nobody gets this by e-mail' });
  assert.equal([answer.status, answer.body.emailTo], [201, null]);

  const { page, server } = ctx;
  // Still signed in: sessions outlive a restart.
  await page.goto(`${server.url}/portal/#/numbers/n-main/sms`);
  await waitForText(page.getByTestId('sms-routing'), 'SMS to this number are kept here but not e-mailed: it has no address of its own and Settings has no default address.');
  const newest = page.getByTestId('sms-table').locator('tbody tr').first();
  await waitForText(newest, 'Nobody gets this by e-mail');
  await waitForText(newest, 'Not e-mailed: no address');
  await page.screenshot({ path: `${SCREENSHOTS}number-sms-no-address.png`, fullPage: true });
});

test.run();
