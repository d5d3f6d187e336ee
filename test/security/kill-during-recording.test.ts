// kill -9 while several callers leave voicemail messages at once, round after round, the PBX
// restarted between rounds (headless phones, real calls; a real SMTP server on loopback). Each
// round's kill lands at a seeded moment of one caller's message (in the greeting, just after the
// beep, mid-message, at its hang-up, while its MP3 and notice are being finished) and wherever the
// others happen to be. After the last start: every message whose caller spoke for 1 s or more
// after the beep is kept, repaired if it was cut; each kept file decodes (ffprobe) and is as long
// as what its caller said, less at most the second the recorder may lose; each is announced by
// e-mail exactly once; the boxes' counts match their files; no temporary file is left.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { Dice, testSeed } from '../support/seeded-random.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { startSmtpServer } from '../support/smtp.ts';

const run = promisify(execFile);
const ROUNDS = 3;
const CALLERS_PER_ROUND = 4;
const BOXES = { '101': 'vm-u101', '102': 'vm-u102' } as const;
/** What the recorder may lose at a kill: the audio not yet on disk (docs/SECURITY.md). */
const MAY_LOSE_MS = 1000;
/** Ogg granules, the first packets after the beep, a last packet in flight: what a length may exceed what was sent by. */
const LENGTH_SLACK_MS = 300;
const FRAME_MS = 20;

type Moment = 'greeting' | 'just after the beep' | 'mid-message' | 'at the hang-up' | 'while the MP3 is finished';
const MOMENTS: Moment[] = ['greeting', 'just after the beep', 'mid-message', 'at the hang-up', 'while the MP3 is finished'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve, for "the caller reached this point". */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** One caller leaving one message: when the beep ended (the PBX's trace), every frame it sent, when it hung up. */
class Caller {
  readonly sentAt: number[] = [];
  readonly connected = signal();
  readonly beepEnded = signal();
  readonly hungUp = signal();
  /** Wall time the beep ended (from the trace), once seen. */
  beepEndAt: number | undefined;
  /** When the last trace read that did not show the beep's end was asked for: the beep ended after it. */
  beepNotEndedAt = 0;
  hungUpAt: number | undefined;
  phone: HeadlessPhone | undefined;
  failure: unknown;

  constructor(
    readonly name: string,
    readonly extension: string,
    readonly password: string,
    readonly box: keyof typeof BOXES,
    readonly startDelayMs: number,
    /** How long it speaks after the beep before hanging up. */
    readonly speakMs: number,
    readonly toneHz: number,
  ) {}

  async leaveMessage(server: RunningServer, admin: ApiClient, killed: () => boolean): Promise<void> {
    try {
      await sleep(this.startDelayMs);
      this.phone = await HeadlessPhone.connect({
        baseUrl: server.url,
        login: { extension: this.extension, password: this.password },
        frames: toneFrames(this.toneHz, 1),
        onSend: () => this.sentAt.push(Date.now()),
      });
      const callId = await this.phone.dial(this.box);
      await this.phone.waitState('connected', 30_000);
      this.connected.resolve();
      while (this.beepEndAt === undefined && !killed()) {
        const askedAt = Date.now();
        const trace = (await admin.get(`/api/calls/${callId}/trace`)).body;
        const beep = trace?.events?.find((e: { type: string; item?: { type: string } }) => e.type === 'play-ended' && e.item?.type === 'beep');
        if (beep) this.beepEndAt = Date.parse(beep.at);
        else {
          this.beepNotEndedAt = askedAt;
          await sleep(100);
        }
      }
      this.beepEnded.resolve();
      await sleep(this.speakMs - (Date.now() - this.beepEndAt!));
      if (killed()) return;
      this.hungUpAt = Date.now();
      this.phone.hangup();
      this.hungUp.resolve();
    } catch (error) {
      if (!killed()) this.failure = error;
    }
  }

  /**
   * Milliseconds of sound sent after the beep and before `end`: from the beep's end as the trace
   * gave it, or (for the most it can be) from the last moment the trace showed it still playing.
   */
  spokenMs(end: number, bound: 'least' | 'most'): number {
    const from = this.beepEndAt ?? (bound === 'most' ? this.beepNotEndedAt : Infinity);
    const until = Math.min(end, this.hungUpAt ?? Infinity);
    return FRAME_MS * this.sentAt.filter((t) => t >= from && t < until).length;
  }
}

async function ffprobeSeconds(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(stdout.trim());
}

/** Decodes the whole file; ffmpeg says nothing when every packet decodes. */
async function decodeErrors(path: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return stderr.trim();
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(directory, join(e.parentPath, e.name)));
}

test('kill -9 while callers leave messages, round after round: every message spoken ≥ 1 s is kept, whole within 1 s, decodes, announced once', async () => {
  const seed = testSeed();
  const dice = new Dice(seed);
  const started = performance.now();
  const smtp = await startSmtpServer();
  const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'PBX <pbx@pbx.example>' };
  let server = await startServer({ env });
  const callers: { caller: Caller; killAt: number }[] = [];
  try {
    let admin = new ApiClient(server.url);
    assert.is((await admin.loginAdmin(server.adminPassword)).status, 200);
    // Boxes keep any message with sound in it: what survives a kill may be shorter than the usual minimum.
    for (const boxId of Object.values(BOXES)) {
      const box = (await admin.get(`/api/draft/voicemail-boxes/${boxId}`)).body;
      const response = await admin.put(`/api/draft/voicemail-boxes/${boxId}`, { name: box.name, email: box.email, limits: { ...box.limits, minMessageSeconds: 0 } });
      assert.is(response.status, 200, JSON.stringify(response.body));
    }
    const people = Array.from({ length: ROUNDS * CALLERS_PER_ROUND }, (_, i) => ({ name: `Caller ${301 + i}`, email: `c${301 + i}@example.test`, extension: String(301 + i), password: `caller-${301 + i}-secret` }));
    await setUpUsers(admin, { '101': 'alice-secret', '102': 'bob-secret' }, people);

    // Each round's kill at another moment, in a seeded order.
    const moments = dice.shuffle(MOMENTS);
    for (let round = 0; round < ROUNDS; round++) {
      const moment = moments[round]!;
      const roundCallers = people.slice(round * CALLERS_PER_ROUND, (round + 1) * CALLERS_PER_ROUND).map((person, i) => {
        // The first caller is the one the kill is timed on; the others start before or after it and stop around it.
        const speakMs = i > 0 ? dice.integer(500, 6000) : moment === 'mid-message' ? dice.integer(4000, 7000) : moment === 'greeting' || moment === 'just after the beep' ? 10_000 : dice.integer(1500, 4000);
        const box = dice.pick(Object.keys(BOXES)) as keyof typeof BOXES;
        return new Caller(person.name, person.extension, person.password, box, i === 0 ? 3000 : dice.integer(0, 5000), speakMs, 300 + 50 * i + 10 * round);
      });
      const focus = roundCallers[0]!;
      // No 250 while a kill may come: a kill between the SMTP server's 250 and the outbox's "sent"
      // would send that notice again, the one window no mail protocol closes (docs/SECURITY.md;
      // seen once in CI). Notices in flight at the kill are abandoned and sent after the restart.
      smtp.holdEverything(true);
      let killed = false;
      const calls = roundCallers.map((caller) => caller.leaveMessage(server, admin, () => killed));
      const reached = await Promise.race([
        (async () => {
          switch (moment) {
            case 'greeting':
              await focus.connected.promise;
              await sleep(dice.integer(200, 1500));
              break;
            case 'just after the beep':
              await focus.beepEnded.promise;
              await sleep(dice.integer(0, 700));
              break;
            case 'mid-message':
              await focus.beepEnded.promise;
              await sleep(dice.integer(1000, focus.speakMs - 1000));
              break;
            case 'at the hang-up':
              await focus.hungUp.promise;
              await sleep(dice.integer(0, 60));
              break;
            case 'while the MP3 is finished':
              await focus.hungUp.promise;
              await sleep(dice.integer(60, 400));
              break;
          }
          return true;
        })(),
        sleep(60_000).then(() => false),
      ]);
      assert.ok(reached, `round ${round + 1}: the first caller never reached "${moment}"`);
      killed = true;
      const killAt = Date.now();
      await server.kill();
      await Promise.all(calls);
      for (const caller of roundCallers) {
        await caller.phone?.close().catch(() => undefined);
        assert.not.ok(caller.failure, `${caller.name}: ${caller.failure}`);
        callers.push({ caller, killAt });
      }
      const where = roundCallers.map((c) => `${c.name} ${c.hungUpAt !== undefined ? `hung up after ${c.spokenMs(killAt, 'least')} ms` : c.beepEndAt !== undefined ? `spoke ${c.spokenMs(killAt, 'least')} ms` : 'in the greeting'}`);
      console.log(`  round ${round + 1}: killed ${moment} of ${focus.name}; ${where.join(', ')}`);
      server = await startServer({ dataDir: server.dataDir, env });
      smtp.holdEverything(false);
      admin = new ApiClient(server.url);
      assert.is((await admin.loginAdmin(server.adminPassword)).status, 200);
    }

    // After the last start: the messages, their files, their e-mails.
    const messages: any[] = [];
    for (const boxId of Object.values(BOXES)) {
      const listed = (await admin.get(`/api/voicemail/boxes/${boxId}/messages`)).body;
      const files = (await readdir(join(server.dataDir, 'voicemail', boxId)).catch(() => [] as string[])).filter((f) => f.endsWith('.ogg'));
      assert.is(listed.counts.new + listed.counts.heard, listed.messages.length, `${boxId}: counts match the list`);
      assert.equal(files.sort(), listed.messages.map((m: { id: string }) => `${m.id}.ogg`).sort(), `${boxId}: one file per message, none without one`);
      messages.push(...listed.messages);
    }
    const losses: number[] = [];
    for (const { caller, killAt } of callers) {
      const mine = messages.filter((m) => m.callerName === caller.name);
      assert.ok(mine.length <= 1, `${caller.name}: one message, not ${mine.length}`);
      const least = caller.spokenMs(killAt, 'least');
      const most = caller.spokenMs(killAt, 'most');
      const message = mine[0];
      if (least >= 1000) assert.ok(message, `${caller.name} spoke ${least} ms after the beep: the message is kept`);
      if (!message) continue;
      assert.is(message.boxId, BOXES[caller.box], `${caller.name}: in the box dialled`);
      const path = join(server.dataDir, 'voicemail', message.boxId, `${message.id}.ogg`);
      assert.is(await decodeErrors(path), '', `${caller.name}: the file decodes`);
      const seconds = await ffprobeSeconds(path);
      assert.ok(Math.abs(seconds * 1000 - message.durationMs) <= 100, `${caller.name}: file ${seconds} s, message ${message.durationMs} ms`);
      assert.ok(message.durationMs <= most + LENGTH_SLACK_MS, `${caller.name}: ${message.durationMs} ms kept, only ${most} ms said`);
      assert.ok(message.durationMs >= least - MAY_LOSE_MS, `${caller.name}: ${message.durationMs} ms kept of ${least} ms said`);
      losses.push(least - message.durationMs);
    }

    await smtp.waitForMessages(messages.length, 60_000);
    await sleep(3000); // anything sent twice would come now
    for (const message of messages) {
      const mails = smtp.messages.filter((m) => m.subject?.startsWith(`New voicemail from ${message.callerName} (`));
      assert.is(mails.length, 1, `${message.callerName}: one e-mail, not ${mails.length}`);
    }
    assert.is(smtp.messages.length, messages.length, 'no e-mail for a message that was not kept');

    const leftovers = (await filesUnder(server.dataDir)).filter((f) => /\.(tmp|repair|trim|partial)$/.test(f) || f.startsWith('uploads/'));
    assert.equal(leftovers, [], 'no temporary file left');
    const outbox = (await admin.get('/api/outbox')).body.notices as { status: string }[];
    assert.ok(outbox.every((n) => n.status === 'sent'), 'every notice sent');
    console.log(
      `  ${messages.length} messages kept of ${callers.length} calls (${messages.filter((m) => m.recovered).length} repaired), ` +
        `lost at a kill ${Math.min(...losses)}–${Math.max(...losses)} ms, ${Math.round((performance.now() - started) / 1000)} s`,
    );
  } finally {
    await server.stop();
    await smtp.close();
  }
});

test.run();
