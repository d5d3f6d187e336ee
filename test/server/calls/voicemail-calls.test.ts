// Voicemail end to end: the real server (its own DATA_DIR, configured through the admin API as an
// admin would) and headless phones (werift on loopback, real Opus both ways, no browser). A caller
// waits for the beep as a person does (the phone hears the greeting, then a 1 kHz tone), "talks" (a
// tone of its own) and the PBX keeps, ends, trims, refuses or recovers the message as the box's
// limits say; forwarding on busy and on no answer end in the user's own box; the owner listens by
// phone (*97). Runs alone: node --import tsx test/server/calls/voicemail-calls.test.ts
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_VOICEMAIL_LIMITS, type VoicemailLimits } from '../../../data/schema.ts';
import { encodeOpusClip } from '../../../media/codec/opus-clip.ts';
import { OPUS_SAMPLE_RATE, OpusDecoder } from '../../../media/codec/opus.ts';
import { DtmfDetector } from '../../../media/dsp/dtmf-detector.ts';
import { dtmfTone } from '../../../media/dsp/dtmf-tone.ts';
import type { DtmfDigit } from '../../../media/dtmf-digit.ts';
import type { ApiClient } from '../../support/api-client.ts';
import { HeadlessPhone, toneFrames } from '../../support/headless-phone.ts';
import { adminSession, applyDraft } from '../../support/pbx-users.ts';
import { startServer, type RunningServer } from '../../support/server.ts';
import { dominantFrequency, tonePower } from '../../support/tone-analysis.ts';

setTimeout(() => {
  console.error('voicemail-calls.test.ts: still running after 230 s, giving up');
  process.exit(1);
}, 230_000).unref();

/** Loopback only: the HTTP server and the media addresses the PBX announces. */
const SERVER_ENV = { HOST: '127.0.0.1', MEDIA_ADDRESSES: '127.0.0.1' };
const BEEP_HZ = 1000;
/** The callers' voices: tones clear of the beep and of the DTMF pairs. */
const VOICE_HZ = 600;
const OTHER_VOICE_HZ = 700;
/** How far a message's length may be from what the caller said (timers, packets in flight). */
const LENGTH_TOLERANCE_MS = 600;

const SILENCE = encodeOpusClip(new Float32Array(OPUS_SAMPLE_RATE)).frames;
const VOICE = toneFrames(VOICE_HZ, 1);
const OTHER_VOICE = toneFrames(OTHER_VOICE_HZ, 1);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const repeat = (frames: Uint8Array[], times: number) => Array.from({ length: times }, () => frames).flat();
/**
 * A key pressed on a phone without RFC 4733: its two tones go out as sound, then silence long
 * enough that say()'s looping does not press it again within a test.
 */
const keyPress = (digit: DtmfDigit) => [...encodeOpusClip(dtmfTone(digit, 120)).frames, ...repeat(SILENCE, 60)];

async function poll<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

// --- what a phone hears ---

interface HeardFrame {
  /** performance.now() at arrival. */
  atMs: number;
  rms: number;
  pcm: Float32Array;
  /** Whether the frame is a pure tone, by frequency, computed once. */
  tones: Map<number, boolean>;
}

/** What a phone hears, decoded as it arrives, one entry per 20 ms packet. */
class Ear {
  readonly frames: HeardFrame[] = [];
  readonly #decoder = new OpusDecoder();

  readonly hear = (payload: Buffer): void => {
    const pcm = this.#decoder.decode(payload);
    let sum = 0;
    for (const sample of pcm) sum += sample * sample;
    this.frames.push({ atMs: performance.now(), rms: Math.sqrt(sum / pcm.length), pcm, tones: new Map() });
  };

  close(): void {
    this.#decoder.close();
  }

  /** A frame that is (nearly) a pure tone at `hz`: speech and other tones spread their energy. */
  static isTone(frame: HeardFrame, hz: number): boolean {
    let tone = frame.tones.get(hz);
    if (tone === undefined) {
      tone = frame.rms >= 0.02 && (2 * tonePower(frame.pcm, OPUS_SAMPLE_RATE, hz)) / (frame.rms * frame.rms) > 0.7;
      frame.tones.set(hz, tone);
    }
    return tone;
  }

  static isSound(frame: HeardFrame): boolean {
    return frame.rms > 0.01;
  }

  /** Resolves with the arrival time of the first of `count` consecutive frames of the tone at `hz`. */
  async waitForTone(hz: number, count: number, timeoutMs: number, sinceMs = 0): Promise<number> {
    let next = 0;
    let run = 0;
    let found = 0;
    await this.#until(`${count} frames of ${hz} Hz`, timeoutMs, () => {
      for (; next < this.frames.length && run < count; next++) {
        const frame = this.frames[next]!;
        if (frame.atMs < sinceMs) continue;
        run = Ear.isTone(frame, hz) ? run + 1 : 0;
        if (run === 1) found = frame.atMs;
      }
      return run >= count;
    });
    return found;
  }

  /**
   * Resolves once the tone at `hz` has been heard for `toneMs` since `sinceMs` and nothing of it
   * came for `quietMs` after (or nothing at all for `giveUpMs`, should packets have been lost).
   * Packets are counted, not only timed: after a stall of this process the rest of a tone may
   * still wait in the socket while a timer already finds it "quiet".
   */
  async waitForToneEnd(hz: number, options: { sinceMs: number; toneMs: number; quietMs: number; giveUpMs: number; timeoutMs: number }): Promise<void> {
    await this.#until(`the end of ${hz} Hz`, options.timeoutMs, () => {
      const last = this.frames.findLast((frame) => Ear.isTone(frame, hz))?.atMs ?? options.sinceMs;
      const quiet = performance.now() - last;
      return (this.toneMs(hz, options.sinceMs) >= options.toneMs && quiet >= options.quietMs) || quiet >= options.giveUpMs;
    });
  }

  /** Milliseconds of audible sound (not near silence) heard after `sinceMs`. */
  soundMs(sinceMs = 0): number {
    return this.frames.filter((frame) => frame.atMs >= sinceMs && Ear.isSound(frame)).length * 20;
  }

  /** Arrival time of the first audible frame after `sinceMs` that is not the tone at `exceptHz`. */
  firstSoundAfter(sinceMs: number, exceptHz: number): number | undefined {
    return this.frames.find((frame) => frame.atMs >= sinceMs && Ear.isSound(frame) && !Ear.isTone(frame, exceptHz))?.atMs;
  }

  /** The frames heard around a moment, for a failure message: arrival, level, whether a tone at `hz`. */
  around(atMs: number, hz: number): string {
    return this.frames
      .filter((frame) => Math.abs(frame.atMs - atMs) <= 200)
      .map((frame) => `${Math.round(frame.atMs - atMs)}:${frame.rms.toFixed(3)}${Ear.isTone(frame, hz) ? '~' : ''}`)
      .join(' ');
  }

  toneMs(hz: number, sinceMs = 0): number {
    return this.frames.filter((frame) => frame.atMs >= sinceMs && Ear.isTone(frame, hz)).length * 20;
  }

  async #until(what: string, timeoutMs: number, predicate: () => boolean): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) throw new Error(`Ear: no ${what} within ${timeoutMs} ms (${this.frames.length} frames heard)`);
      await sleep(10);
    }
  }
}

// --- the PBX ---

interface Message {
  id: string;
  boxId: string;
  callerName: string;
  callerNumber: string;
  dialled: string;
  durationMs: number;
  status: 'new' | 'heard';
  recovered: boolean;
  audioUrl: string;
}

interface Notice {
  id: string;
  subjectId: string;
  to: string;
  subject: string;
  status: string;
  attachments: { index: number; filename: string; contentType: string; size: number; url: string }[];
}

interface Box {
  id: string;
  email: string;
  number: string;
}

const test = suite('voicemail calls through the real server');
let server: RunningServer;
let admin: ApiClient;
const phones = new Set<{ phone: HeadlessPhone; ear: Ear }>();
/** Boxes added by hand, each with its own e-mail and incoming number. */
const boxes = {} as Record<'reception' | 'pound' | 'silence' | 'maxLength' | 'tooShort' | 'full' | 'crash', Box>;
const USERS = {
  a: { extension: '401', password: 'alice-401', name: 'Alice Caller' },
  b: { extension: '402', password: 'bob-402', name: 'Bob Busy' },
  c: { extension: '403', password: 'carol-403', name: 'Carol Colleague' },
};
let bobBoxId = '';

async function messages(boxId: string): Promise<Message[]> {
  const response = await admin.get(`/api/voicemail/boxes/${boxId}/messages`);
  assert.is(response.status, 200, `messages of ${boxId}`);
  return response.body.messages;
}

async function notices(): Promise<Notice[]> {
  const response = await admin.get('/api/outbox');
  assert.is(response.status, 200);
  assert.is(response.body.smtpConfigured, false);
  return response.body.notices;
}

/** The bytes behind an admin route (audio, attachments). */
async function download(path: string): Promise<Buffer> {
  const response = await fetch(server.url + path, { headers: { cookie: admin.cookie } });
  assert.is(response.status, 200, path);
  return Buffer.from(await response.arrayBuffer());
}

/** Decodes any audio file with ffmpeg to 48 kHz mono float samples. */
function ffmpegDecode(bytes: Buffer): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'f32le', '-ac', '1', '-ar', String(OPUS_SAMPLE_RATE), 'pipe:1']);
    const chunks: Buffer[] = [];
    let errors = '';
    ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    ffmpeg.stderr.on('data', (chunk: Buffer) => (errors += chunk));
    ffmpeg.on('error', reject);
    ffmpeg.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg exited with ${code}: ${errors}`));
      const pcm = Buffer.concat(chunks);
      resolve(new Float32Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 4).slice());
    });
    ffmpeg.stdin.on('error', () => undefined);
    ffmpeg.stdin.end(bytes);
  });
}

/** Length (ms) and loudest frequency (of its middle half second) of a decoded recording. */
function describe(pcm: Float32Array): { ms: number; hz: number } {
  const middle = Math.floor(pcm.length / 2);
  const half = OPUS_SAMPLE_RATE / 4;
  return { ms: (pcm.length / OPUS_SAMPLE_RATE) * 1000, hz: dominantFrequency(pcm.subarray(middle - half, middle + half), OPUS_SAMPLE_RATE) };
}

function assertLength(actualMs: number, expectedMs: number, what: string, tolerance = LENGTH_TOLERANCE_MS, details = () => ''): void {
  const ok = Math.abs(actualMs - expectedMs) <= tolerance;
  assert.ok(ok, `${what}: ${Math.round(actualMs)} ms, expected ${expectedMs} ± ${tolerance} ms${ok ? '' : ` ${details()}`}`);
}

/** A phone that hears through an Ear; the public caller page's unless `login` is given. */
async function phone(login?: { extension: string; password: string }, options: { autoAnswer?: boolean } = {}) {
  const ear = new Ear();
  const handle = { phone: await HeadlessPhone.connect({ baseUrl: server.url, login, frames: SILENCE, onReceive: ear.hear, ...options }), ear };
  phones.add(handle);
  return handle;
}

/**
 * Dials and waits as a caller does through the greeting until the beep has ended; resolves when
 * the PBX records. Returns how long the greeting took (connected to beep).
 */
async function reachTheBeep(caller: { phone: HeadlessPhone; ear: Ear }, dialled: string): Promise<number> {
  await caller.phone.dial(dialled);
  return waitForTheBeep(caller, 10_000);
}

/** Waits, in a call already dialled, for the PBX to answer with the greeting and for the beep to end. */
async function waitForTheBeep(caller: { phone: HeadlessPhone; ear: Ear }, connectedWithinMs: number): Promise<number> {
  await caller.phone.waitState('connected', connectedWithinMs);
  const connectedAt = performance.now();
  const beepAt = await caller.ear.waitForTone(BEEP_HZ, 5, 25_000, connectedAt);
  // The beep lasts 0.4 s and the recording starts after it: speak once it is over.
  await caller.ear.waitForToneEnd(BEEP_HZ, { sinceMs: beepAt, toneMs: 360, quietMs: 60, giveUpMs: 400, timeoutMs: 2000 });
  return beepAt - connectedAt;
}

async function addBox(key: keyof typeof boxes, name: string, number: string, limits: Partial<VoicemailLimits>): Promise<void> {
  const email = `${key.toLowerCase()}@voicemail.example`;
  const created = await admin.post('/api/draft/voicemail-boxes', { name, email });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const id: string = created.body.entity.id;
  // Then its limits, as an admin edits a box.
  const edited = await admin.put(`/api/draft/voicemail-boxes/${id}`, { name, email, limits: { ...DEFAULT_VOICEMAIL_LIMITS, ...limits } });
  assert.is(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.entity.owner, { type: 'manual' });
  const routed = await admin.post('/api/draft/incoming-numbers', { number, label: name, destination: { type: 'voicemail', boxId: id } });
  assert.is(routed.status, 201, JSON.stringify(routed.body));
  boxes[key] = { id, email, number };
}

async function addUser(user: { extension: string; password: string; name: string }, fields: object = {}): Promise<string> {
  const response = await admin.post('/api/draft/users', { ...user, email: `u${user.extension}@example.test`, voicemail: false, ...fields });
  assert.is(response.status, 201, JSON.stringify(response.body));
  return response.body.entity.id;
}

test.before(async () => {
  server = await startServer({ env: SERVER_ENV });
  admin = await adminSession(server.url, server.adminPassword);
  await addBox('reception', 'Reception', '+33100000201', { minMessageSeconds: 1 });
  await addBox('pound', 'Pound key', '+33100000202', { minMessageSeconds: 1 });
  await addBox('silence', 'Short silence', '+33100000203', { silenceEndSeconds: 3 });
  await addBox('maxLength', 'Ten seconds', '+33100000204', { maxMessageSeconds: 10 });
  await addBox('tooShort', 'Two seconds at least', '+33100000205', { minMessageSeconds: 2 });
  await addBox('full', 'One message', '+33100000206', { maxMessages: 1, minMessageSeconds: 1 });
  await addBox('crash', 'Night line', '+33100000208', {});
  await addUser(USERS.a);
  const carol = await addUser(USERS.c);
  const bob = await addUser(USERS.b, {
    voicemail: true,
    forwardings: {
      noAnswer: { enabled: true, afterSeconds: 5, targets: [{ type: 'user', userId: carol }], voicemailLastResort: true },
      busy: { enabled: true, targets: [], voicemailLastResort: true },
    },
  });
  await applyDraft(admin);
  const production = await admin.get('/api/production');
  bobBoxId = production.body.config.voicemailBoxes.find((b: { owner: { userId?: string } }) => b.owner.userId === bob).id;
});

let caseNumber = 0;
let caseStartedAt = 0;
/** What a case measured, printed after it (lengths, delays): the numbers behind the assertions. */
const notes: string[] = [];
const note = (text: string) => notes.push(text);
test.before.each(() => {
  caseNumber++;
  caseStartedAt = performance.now();
});

test.after.each(async () => {
  console.log(`  case ${caseNumber}: ${((performance.now() - caseStartedAt) / 1000).toFixed(1)} s; ${notes.join('; ')}`);
  notes.length = 0;
  for (const handle of phones) {
    await handle.phone.close();
    handle.ear.close();
  }
  phones.clear();
});

test.after(async () => {
  await server?.stop();
});

test('incoming number → box added by hand: 3 s kept, Ogg audio of that length and pitch, a notice with the MP3 in the outbox', async () => {
  const box = boxes.reception;
  const caller = await phone();
  const greetingMs = await reachTheBeep(caller, box.number);
  note(`greeting and beep heard ${(greetingMs / 1000).toFixed(1)} s after the PBX answered`);
  assert.ok(greetingMs > 4000 && greetingMs < 15_000, `greeting lasted ${greetingMs} ms`);
  assert.ok(caller.ear.soundMs() > 4000, 'the greeting was audible');
  caller.phone.say(VOICE);
  await sleep(3000);
  caller.phone.hangup();

  const [message] = await poll('the message', () => messages(box.id), (list) => list.length > 0);
  assert.is(message!.status, 'new');
  assert.is(message!.dialled, box.number);
  assert.is(message!.callerNumber, 'web');
  assert.is(message!.recovered, false);
  assertLength(message!.durationMs, 3000, 'message length');
  assert.is((await engineEnding(box.id)).ending, 'hangup');
  const audio = await download(message!.audioUrl);
  assert.is(audio.subarray(0, 4).toString(), 'OggS');
  const decoded = describe(await ffmpegDecode(audio));
  assertLength(decoded.ms, message!.durationMs, 'decoded Ogg length', 100);
  assert.ok(Math.abs(decoded.hz - VOICE_HZ) <= 10, `the Ogg sounds at ${decoded.hz} Hz`);

  const notice = await poll('its notice', notices, (list) => list.some((n) => n.subjectId === message!.id), 20_000).then((list) => list.find((n) => n.subjectId === message!.id)!);
  assert.is(notice.to, box.email);
  assert.is(notice.status, 'pending', 'no SMTP server: it waits in the outbox');
  assert.is(notice.attachments.length, 1);
  assert.is(notice.attachments[0]!.contentType, 'audio/mpeg');
  assert.match(notice.attachments[0]!.filename, /\.mp3$/);
  const mp3 = describe(await ffmpegDecode(await download(notice.attachments[0]!.url)));
  assertLength(mp3.ms, message!.durationMs, 'MP3 length', 150);
  assert.ok(Math.abs(mp3.hz - VOICE_HZ) <= 10, `the MP3 sounds at ${mp3.hz} Hz`);
  note(`message ${message!.durationMs} ms; Ogg ${Math.round(decoded.ms)} ms at ${decoded.hz} Hz; MP3 ${Math.round(mp3.ms)} ms at ${mp3.hz} Hz`);
});

test('# ends the message: the PBX says it is saved and hangs up; 3 s kept', async () => {
  const box = boxes.pound;
  const caller = await phone();
  await reachTheBeep(caller, box.number);
  const talkAt = performance.now();
  caller.phone.say([...repeat(VOICE, 3), ...keyPress('#')]);
  const ended = await caller.phone.waitState('ended', 15_000);
  assert.is(ended.reason, 'hangup');
  // "Your message has been recorded. Goodbye." came after the key, before the hang-up.
  const afterKey = talkAt + 3100;
  assert.ok(caller.ear.soundMs(afterKey) >= 1500, `${caller.ear.soundMs(afterKey)} ms of prompt after #`);
  assert.is(caller.ear.toneMs(VOICE_HZ), 0, 'the PBX does not echo the caller');
  const [message] = await poll('the message', () => messages(box.id), (list) => list.length > 0);
  assertLength(message!.durationMs, 3000, "message length (the key's tone left out)");
  const { ending, kept } = await engineEnding(box.id);
  assert.is(ending, 'pound');
  assert.ok(kept);
  // The e-mail's recording ends with the caller's voice, not with the key's tone.
  const notice = await poll('its notice', notices, (list) => list.some((n) => n.subjectId === message!.id), 20_000).then((list) => list.find((n) => n.subjectId === message!.id)!);
  const mp3 = await ffmpegDecode(await download(notice.attachments[0]!.url));
  assert.equal(new DtmfDetector({ sampleRate: OPUS_SAMPLE_RATE }).push(mp3).map((d) => d.digit), [], 'no # in the MP3');
  assert.ok(Math.abs(describe(mp3.subarray(mp3.length - OPUS_SAMPLE_RATE)).hz - VOICE_HZ) <= 10, 'its last second is the voice');
  note(`message ${message!.durationMs} ms; ${caller.ear.soundMs(afterKey)} ms of prompt after #`);
});

test('silence ends the message (silenceEndSeconds 3): the PBX hangs up, the trailing silence is trimmed', async () => {
  const box = boxes.silence;
  const caller = await phone();
  await reachTheBeep(caller, box.number);
  const talkAt = performance.now();
  caller.phone.say([...repeat(VOICE, 3), ...repeat(SILENCE, 30)]);
  const ended = await caller.phone.waitState('ended', 20_000);
  assert.is(ended.reason, 'hangup');
  const promptAt = caller.ear.firstSoundAfter(talkAt, BEEP_HZ);
  assert.ok(promptAt !== undefined, 'a prompt before the hang-up');
  assertLength(promptAt! - talkAt, 6000, 'the PBX spoke after 3 s of talk and 3 s of silence', 1000, () => `(heard around then: ${caller.ear.around(promptAt!, BEEP_HZ)})`);
  const [message] = await poll('the message', () => messages(box.id), (list) => list.length > 0);
  assertLength(message!.durationMs, 3000, 'message length, silence trimmed');
  const { ending, durationMs } = await engineEnding(box.id);
  assert.is(ending, 'silence');
  // The file too: the softphone and *97 play the message without the silence that ended it.
  const audio = describe(await ffmpegDecode(await download(message!.audioUrl)));
  assertLength(audio.ms, message!.durationMs, 'the recording, silence cut', 100);
  note(`prompt ${Math.round(promptAt! - talkAt)} ms after the talk began; message ${durationMs} ms`);
});

test('max length (maxMessageSeconds 10): the PBX cuts in at 10 s, says so and hangs up; 10 s kept', async () => {
  const box = boxes.maxLength;
  const caller = await phone();
  await reachTheBeep(caller, box.number);
  const talkAt = performance.now();
  caller.phone.say(VOICE);
  const ended = await caller.phone.waitState('ended', 30_000);
  const endedAt = performance.now();
  assert.is(ended.reason, 'hangup');
  const promptAt = caller.ear.firstSoundAfter(talkAt, BEEP_HZ);
  assert.ok(promptAt !== undefined, 'a prompt before the hang-up');
  assertLength(promptAt! - talkAt, 10_000, 'the prompt started at the maximum', 1000, () => `(heard around then: ${caller.ear.around(promptAt!, BEEP_HZ)})`);
  assert.ok(endedAt - promptAt! > 2000, `the prompt played (${Math.round(endedAt - promptAt!)} ms) before the hang-up`);
  const [message] = await poll('the message', () => messages(box.id), (list) => list.length > 0);
  assertLength(message!.durationMs, 10_000, 'message length');
  assert.is((await engineEnding(box.id)).ending, 'max-length');
  note(`prompt ${Math.round(promptAt! - talkAt)} ms after the talk began, hang-up ${Math.round(endedAt - talkAt)} ms; message ${message!.durationMs} ms`);
});

test('too short (minMessageSeconds 2): 1 s then hang-up keeps nothing, and no notice', async () => {
  const box = boxes.tooShort;
  const caller = await phone();
  await reachTheBeep(caller, box.number);
  caller.phone.say(VOICE);
  await sleep(1000);
  caller.phone.hangup();
  // The engine logs every message it ends, kept or not: that is when the store is done.
  const entry = await engineEnding(box.id);
  assert.is(entry.kept, false);
  assert.is(entry.ending, 'hangup');
  note(`${entry.durationMs} ms recorded, not kept`);
  assert.equal(await messages(box.id), []);
  const counts = await admin.get('/api/voicemail/counts');
  assert.equal(counts.body.counts[box.id], { new: 0, heard: 0 });
  await sleep(1000);
  assert.not.ok((await notices()).some((n) => n.to === box.email), 'no notice for a message not kept');
});

test('full box (maxMessages 1): a second caller hears the "full" prompt, no beep, and the call ends unavailable', async () => {
  const box = boxes.full;
  const first = await phone();
  await reachTheBeep(first, box.number);
  first.phone.say(VOICE);
  await sleep(2000);
  first.phone.hangup();
  await poll('the first message', () => messages(box.id), (list) => list.length === 1);

  const second = await phone();
  await second.phone.dial(box.number);
  const ended = await second.phone.waitState('ended', 15_000);
  assert.is(ended.reason, 'unavailable');
  assert.ok(second.ear.soundMs() >= 2000, `${second.ear.soundMs()} ms of "full" prompt`);
  assert.is(second.ear.toneMs(BEEP_HZ), 0, 'no beep');
  assert.is((await messages(box.id)).length, 1);
  note(`${second.ear.soundMs()} ms of "full" prompt, then ${ended.reason}`);
});

test("busy → Bob's own box as the last resort: Carol calls Bob while he talks with Alice, and leaves 3 s", async () => {
  const alice = await phone(USERS.a);
  const bob = await phone(USERS.b, { autoAnswer: true });
  const carol = await phone(USERS.c);
  await alice.phone.dial(USERS.b.extension);
  await alice.phone.waitState('connected');
  await bob.phone.waitMediaConnected();

  await reachTheBeep(carol, USERS.b.extension);
  assert.is(bob.phone.incoming.length, 1, "Bob's phone did not ring for Carol: he is busy");
  assert.is(carol.phone.state(), 'connected');
  carol.phone.say(VOICE);
  await sleep(3000);
  carol.phone.hangup();
  const [message] = await poll("the message in Bob's box", () => messages(bobBoxId), (list) => list.length === 1);
  assert.is(message!.callerNumber, USERS.c.extension);
  assert.is(message!.callerName, USERS.c.name);
  assert.is(message!.dialled, USERS.b.extension);
  assertLength(message!.durationMs, 3000, 'message length');
  assert.is(alice.phone.state(), 'connected', "Alice and Bob's call went on");
  note(`Carol's message ${message!.durationMs} ms in Bob's box`);
  alice.phone.hangup();
  await bob.phone.waitState('ended');
});

test("no answer → Bob rings 5 s, then Carol (the chain) 5 s, then Bob's own box takes the message", async () => {
  const alice = await phone(USERS.a);
  const bob = await phone(USERS.b);
  const carol = await phone(USERS.c);
  const dialledAt = performance.now();
  await alice.phone.dial(USERS.b.extension);
  const bobRang = await bob.phone.waitIncoming(5000);
  const carolRang = await carol.phone.waitIncoming(10_000);
  const carolRangAt = performance.now();
  assert.is(carolRang.callId, bobRang.callId);
  assert.is(carolRang.from.number, USERS.a.extension);
  assertLength(carolRangAt - dialledAt, 5000, "Carol's phone rang after Bob's 5 s", 1000);
  assert.is((await bob.phone.waitState('ended', 1000, bobRang.callId)).reason, 'cancelled');

  await waitForTheBeep(alice, 7000);
  const connected = await alice.phone.waitState('connected');
  assert.equal(connected.peer, { name: `Voicemail of ${USERS.b.name}`, number: USERS.b.extension });
  assert.is((await carol.phone.waitState('ended', 1000, carolRang.callId)).reason, 'cancelled');
  alice.phone.say(OTHER_VOICE);
  await sleep(3000);
  alice.phone.hangup();
  const list = await poll("the second message in Bob's box", () => messages(bobBoxId), (all) => all.length === 2);
  const message = list.find((m) => m.callerNumber === USERS.a.extension)!;
  assert.ok(message, 'the message is from Alice');
  assertLength(message.durationMs, 3000, 'message length');
  const decoded = describe(await ffmpegDecode(await download(message.audioUrl)));
  assert.ok(Math.abs(decoded.hz - OTHER_VOICE_HZ) <= 10, `Alice's message sounds at ${decoded.hz} Hz`);
  note(`Carol rang ${Math.round(carolRangAt - dialledAt)} ms after the dial; Alice's message ${message.durationMs} ms at ${decoded.hz} Hz`);
});

test('kill -9 while a caller talks: after the restart the message is recovered, playable, and noticed exactly once', async () => {
  const box = boxes.crash;
  const caller = await phone();
  await reachTheBeep(caller, box.number);
  caller.phone.say(VOICE);
  await sleep(4000);
  await server.kill();
  assert.is(server.process.signalCode, 'SIGKILL');
  await caller.phone.close();

  server = await startServer({ dataDir: server.dataDir, env: SERVER_ENV });
  admin = await adminSession(server.url, server.adminPassword);
  const recovered = logEntries('voicemail recovered').filter((entry) => entry.boxId === box.id);
  assert.is(recovered.length, 1, 'repaired at start-up');
  assert.is(recovered[0]!.kept, true);
  // Recovery runs before the server listens: the message is there at once.
  const list = await messages(box.id);
  assert.is(list.length, 1);
  const [message] = list;
  assert.is(message!.status, 'new');
  assert.is(message!.recovered, true);
  // Pages reach the disk every 0.5 s and at least every second: at most about a second is lost.
  assert.ok(message!.durationMs >= 3000 && message!.durationMs <= 4600, `${message!.durationMs} ms of about 4 s kept`);
  const decoded = describe(await ffmpegDecode(await download(message!.audioUrl)));
  assertLength(decoded.ms, message!.durationMs, 'decoded Ogg length', 100);
  assert.ok(Math.abs(decoded.hz - VOICE_HZ) <= 10, `the repaired Ogg sounds at ${decoded.hz} Hz`);

  const forBox = (list: Notice[]) => list.filter((n) => n.to === box.email);
  await poll('its notice', notices, (list) => forBox(list).length > 0, 20_000);
  await sleep(1500);
  const queued = forBox(await notices());
  assert.is(queued.length, 1, 'one notice');
  assert.is(queued[0]!.subjectId, message!.id);
  assert.is(queued[0]!.attachments[0]?.contentType, 'audio/mpeg');
  note(`recovered ${message!.durationMs} ms of about 4 s; Ogg ${Math.round(decoded.ms)} ms at ${decoded.hz} Hz; notices for the box: ${queued.length}`);
});

test('*97: Bob hears his oldest new message, presses 9 in-band and it becomes heard; the next one plays', async () => {
  const before = await messages(bobBoxId);
  assert.equal(before.map((m) => m.status), ['new', 'new']);
  const carols = before.find((m) => m.callerNumber === USERS.c.extension)!;
  const alices = before.find((m) => m.callerNumber === USERS.a.extension)!;
  const bob = await phone(USERS.b);
  await bob.phone.dial('*97');
  await bob.phone.waitState('connected');
  // "You have 2 new messages. Message 1, from 4 0 3." then Carol's 3 s at 600 Hz.
  const messageAt = await bob.ear.waitForTone(VOICE_HZ, 50, 20_000);
  await bob.ear.waitForToneEnd(VOICE_HZ, { sinceMs: messageAt, toneMs: carols.durationMs - 500, quietMs: 200, giveUpMs: 1000, timeoutMs: 10_000 });
  assertLength(bob.ear.toneMs(VOICE_HZ), carols.durationMs, "Carol's message as heard by phone");
  assert.ok(bob.ear.soundMs() - bob.ear.toneMs(VOICE_HZ) > 2000, 'spoken announcements before the message');
  assert.is(bob.ear.toneMs(OTHER_VOICE_HZ), 0, 'oldest first');

  // Now the options prompt plays ("Press 1 to listen again, 7 to delete, or 9 ..."): 9.
  const pressedAt = performance.now();
  bob.phone.say(keyPress('9'));
  await poll("Carol's message heard", () => messages(bobBoxId), (list) => list.find((m) => m.id === carols.id)?.status === 'heard');
  await bob.ear.waitForTone(OTHER_VOICE_HZ, 25, 15_000, pressedAt);
  bob.phone.hangup();
  await sleep(500);
  const after = await messages(bobBoxId);
  assert.is(after.find((m) => m.id === alices.id)?.status, 'new', 'hung up during the next one: it stays new');
  note(`heard ${bob.ear.toneMs(VOICE_HZ)} ms of Carol's ${carols.durationMs} ms message by phone`);
});

/** How the engine ended the last message of a box ('hangup', 'pound', 'silence', 'max-length') and whether it kept it. */
async function engineEnding(boxId: string): Promise<{ ending: string; kept: boolean; durationMs: number }> {
  const entry = await poll('the engine to end the message', async () => logEntries('voicemail message').findLast((e) => e.boxId === boxId), (e) => e !== undefined);
  return entry as unknown as { ending: string; kept: boolean; durationMs: number };
}

function logEntries(msg: string): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(msg))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

test.run();
