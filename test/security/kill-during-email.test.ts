// kill -9 while voicemail notices are being sent, again and again, then a last start: every
// message's notice arrives, and none twice. The SMTP server is slow to accept (it holds each
// message a moment before its 250), and each kill lands while it holds one: the PBX dies with a
// notice in flight, the server never acknowledges it, and the next start must send it again.
// (The one window the outbox cannot close, a kill between the server's 250 and the outbox's
// "sent" on disk, is a reply and one small file write wide; docs/SECURITY.md says so.)
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../support/phone-pages.ts';
import { seededRandom, testSeed } from '../support/seeded-random.ts';
import { startServer } from '../support/server.ts';
import { startSmtpServer } from '../support/smtp.ts';
import { seedVoicemail, type SeedMessage } from '../support/voicemail-fixtures.ts';

test('kill -9 four times while notices are in flight: after the last start each arrives exactly once', async () => {
  const next = seededRandom(testSeed());
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-kill-email-'));
  const callers = ['Anna', 'Bruno', 'Chloé', 'David', 'Emma', 'Félix'];
  const seeds: SeedMessage[] = callers.map((name, i) => ({
    boxId: i % 2 === 0 ? 'vm-u101' : 'vm-u102',
    callerName: name,
    callerNumber: `+3361234560${i}`,
    dialled: '+33100000101',
    startedAt: `2026-03-0${i + 1}T08:00:00.000Z`,
    seconds: 2,
    toneHz: 400 + 100 * i,
  }));
  await seedVoicemail(dataDir, seeds);
  const smtp = await startSmtpServer(0, { acceptDelayMs: 700 });
  const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'PBX <pbx@pbx.example>' };
  try {
    for (let kill = 0; kill < 4; kill++) {
      const server = await startServer({ dataDir, env });
      // Let 0 to 2 notices through first, so kills land at different places in the queue.
      const delivered = smtp.messages.length + Math.floor(next() * 3);
      await waitFor('a notice held by the SMTP server', async () => ({ held: smtp.holding(), sent: smtp.messages.length }), (s) => s.held > 0 && s.sent >= Math.min(delivered, callers.length - 1), 30_000).catch(() => undefined);
      if (smtp.messages.length >= callers.length) {
        await server.kill();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, next() * 300));
      await server.kill();
    }
    assert.ok(smtp.abandoned() >= 2, `kills landed while notices were in flight (${smtp.abandoned()} abandoned)`);

    const server = await startServer({ dataDir, env });
    try {
      await smtp.waitForMessages(callers.length, 60_000);
      // Anything sent twice would come now.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const subjects = smtp.messages.map((m) => m.subject ?? '').sort();
      const expected = seeds.map((s) => `New voicemail from ${s.callerName} (0:02)`).sort();
      assert.equal(subjects, expected, 'each notice once');
      const ids = new Set(smtp.messages.map((m) => m.messageId));
      assert.is(ids.size, callers.length, 'distinct Message-IDs');
    } finally {
      await server.stop();
    }
  } finally {
    await smtp.close();
  }
});

test.run();
