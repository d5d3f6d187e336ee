// The PBX killed (kill -9) while a caller leaves a message: the next start repairs the recording,
// keeps the message and sends its e-mail, once. A real call from a headless phone, a real SMTP
// server on loopback.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readMp3FrameHeader } from '../../media/codec/mp3-info-tag.ts';
import { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { startServer } from '../support/server.ts';
import { startSmtpServer } from '../support/smtp.ts';

const test = suite('voicemail: a crash while recording');

test('killed after about 6 s of message: repaired, kept, announced once', async () => {
  const smtp = await startSmtpServer();
  const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` };
  let server = await startServer({ env });
  let phone: HeadlessPhone | undefined;
  try {
    const admin = new ApiClient(server.url);
    await admin.loginAdmin(server.adminPassword);
    await setUpUsers(admin, { '101': 'alice-secret', '102': 'bob-secret' });
    // Bob is signed in nowhere: the call goes to his voicemail (greeting, beep, then recording).
    phone = await HeadlessPhone.connect({ baseUrl: server.url, login: { extension: '101', password: 'alice-secret' }, frames: toneFrames(600, 1) });
    await phone.dial('102');
    await phone.waitState('connected', 30_000);
    // The greeting and the beep take a few seconds; then the caller speaks for several more, and
    // the recording is on disk up to its last flushed page.
    await new Promise((r) => setTimeout(r, 14_000));
    await server.kill();
    void phone.close().catch(() => undefined);
    phone = undefined;
    assert.is(smtp.messages.length, 0, 'nothing was sent before the crash');

    server = await startServer({ dataDir: server.dataDir, env });
    const [mail] = await smtp.waitForMessages(1, 20_000);
    assert.match(mail!.subject!, /^New voicemail from Alice Martin \(0:\d\d\)$/);
    assert.ok(mail!.text!.includes('recovered after the PBX restarted'));
    assert.ok(readMp3FrameHeader(new Uint8Array(mail!.attachments[0]!.content))?.mono);
    const bobAgain = new ApiClient(server.url);
    await bobAgain.post('/api/phone/session', { extension: '102', password: 'bob-secret' });
    const { messages, counts } = (await bobAgain.get('/api/phone/voicemail')).body;
    assert.equal(counts, { new: 1, heard: 0 });
    assert.ok(messages[0].recovered);
    assert.ok(messages[0].durationMs > 1000, `${messages[0].durationMs} ms kept`);
    const audio = await fetch(`${server.url}${messages[0].audioUrl}`, { headers: { cookie: bobAgain.cookie } });
    assert.is(audio.status, 200);
    assert.is(Buffer.from(await audio.arrayBuffer()).subarray(0, 4).toString(), 'OggS');
    await new Promise((r) => setTimeout(r, 1000));
    assert.is(smtp.messages.length, 1, 'once');
  } finally {
    await phone?.close().catch(() => undefined);
    await server.stop();
    await smtp.close();
  }
});

test.run();
