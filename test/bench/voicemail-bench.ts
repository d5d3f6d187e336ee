// Voicemail figures, the second half of `npm run bench` (alone: node --import tsx
// test/bench/voicemail-bench.ts). Loopback only; the real server in its own process, as `npm start`
// runs it; it stops by itself and prints one table.
//
//   node --import tsx test/bench/voicemail-bench.ts --repeats=1 --message=20 --calls=20 --window=10
//   ... --only=notice | --only=cpu                     (one of the two parts)
//   ... --cpu-prof=/tmp/profiles                       (server CPU profile, written at its exit)
//   ... --server-log=/tmp/server.log                   (the server's output, written at the end)
//   ... --pin=yes                                      (server on CPU 0, phones on the others; only on an idle machine)
//
// 1. Hang-up to notice, for a message of --message seconds (60): one public caller, a headless phone
//    in this process, dials a number that goes straight to a box, waits for the greeting and the
//    beep, talks for 60 s (recorded speech, looped) and hangs up. From that hang-up this process
//    polls DATA_DIR/outbox every 10 ms until the notice's file `voicemail-<messageId>.json` is
//    there. The outbox writes the MP3 first and renames the notice file into place last, so the
//    file's existence is the notice complete, MP3 included (its size is checked too). No SMTP
//    server is configured: the notice stays in the outbox. The server's own log splits the time:
//    `voicemail message` (the message saved) and `voicemail notice queued` (ms timestamps on the
//    same wall clock as the hang-up). Repeated --repeats times (3); each run and the worst printed.
// 2. Server CPU, recording against relaying, for whole calls and per packet (a received packet
//    when recording; a relayed one, received and sent again, when relaying):
//    - recording: --calls (50) public callers, in this process, each dialling the box's number; once
//      every one is recording (each message's .ogg file exists), the server's utime + stime
//      (/proc/PID/stat, every thread: the file writes on libuv's pool included) is read over
//      --window seconds (15), then all hang up (so each talked ~window + ramp seconds after its
//      beep). Per received packet = CPU / packets the callers sent in the window (loopback: none
//      lost; each is received, written to the Ogg file and decoded for silence and in-band DTMF;
//      past the MP3 streams' backlog, 3 s into a message, its sound is also encoded to MP3 on the
//      MP3 worker thread, which the figure includes).
//      The callers say eSpeak speech through the PBX's Opus encoder (32 kb/s, hybrid mode, as a
//      browser sends speech): what the server decodes costs what a real caller's would.
//    - relaying: the headless phones of `npm run bench` (test/bench/phones.ts, --clients child
//      processes, each call a public caller and the softphone it rings, both talking), as calls
//      of 2 legs: --relay-levels (25, 50) calls. Per relayed packet = CPU / packets the phones
//      received from the server in the window (one relayed packet = one received + one sent).
//    50 calls recording is 50 legs receiving 2 500 packets/s; 50 calls relaying is 100 legs and
//    5 000 packets/s each way; 25 calls relaying is the same 50 legs and 2 500 packets/s as
//    50 recordings. The table compares whole calls (server CPU for N calls) and single packets.
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { EspeakSynthesizer } from '../../media/tts/espeak.ts';
import type { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone } from '../support/headless-phone.ts';
import { adminSession, applyDraft } from '../support/pbx-users.ts';
import type { RunningServer } from '../support/server.ts';
import { machineLoad, phoneCpus, pin, readProbe, serverLog, startProbedServer } from './bench-server.ts';
import { addCallSlots, PhoneFleet } from './phone-fleet.ts';
import type { CallSlot, DialResult } from './phones.ts';
import { processCpuSeconds, residentBytes } from './process-stats.ts';

interface Options {
  repeats: number;
  messageSeconds: number;
  calls: number;
  windowSeconds: number;
  callsPerSecond: number;
  clients: number;
  relayLevels: number[];
  only: 'notice' | 'cpu' | undefined;
  pin: boolean;
  cpuProfileDir: string | undefined;
  jsonPath: string | undefined;
  serverLogPath: string | undefined;
}

interface NoticeRun {
  /** Hang-up to the notice file in the outbox, polled from this process. */
  hangupToNoticeMs: number;
  /** From the server's log: hang-up to `voicemail message` (saved), and to `voicemail notice queued`. */
  hangupToSavedMs: number;
  hangupToQueuedLogMs: number;
  /** The message as the server saved it. */
  durationMs: number;
  ending: string;
  mp3Bytes: number;
  /** How the server made the MP3 (its log): 'while recorded', or 'from the recording' (the fallback). */
  mp3Made: string;
  /**
   * Server CPU (every thread) from the hang-up to the notice, and the MP3 stream worker's part: on
   * a busy machine the wait is longer than the work, which these count.
   */
  serverCpuMs: number;
  mp3WorkerCpuMs: number | undefined;
}

interface CpuResult {
  what: string;
  calls: number;
  legs: number;
  /** Calls (recordings, or calls with both phones' media) still up at the end of the window. */
  callsUp: number;
  serverCpuPercent: number;
  kernelCpuPercent: number;
  packetsPerSecond: number;
  cpuPerPacketUs: number;
  /** The server's event-loop delay, max over the window (test/bench/server-probe.ts). */
  loopMaxMs: number;
  /** Server RSS at the end of the window. */
  rssMb: number;
  idleCpuPercent: number;
  /** Recording only: the MP3 stream worker's share of serverCpuPercent (its thread, /proc/PID/task/TID). */
  mp3CpuPercent?: number;
}

const POLL_MS = 10;
/** The MP3 stream worker answers the probe after its queue of work. */
const PROBE_ANSWER_MS = 60_000;
const BOX_NUMBER = '+33999000000';
/** What the callers say: a few sentences of eSpeak, with a speaker's pauses, looped. */
const SPEECH =
  'Hello, this is a message for the accounts department. I am calling about the invoice we received last week. ' +
  'Could somebody call me back this afternoon, or tomorrow morning before ten? My number is zero six, twelve, ' +
  'thirty four, fifty six, seventy eight. Thank you, and have a good day.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const OPTION_NAMES = ['repeats', 'message', 'calls', 'window', 'rate', 'clients', 'relay-levels', 'only', 'pin', 'cpu-prof', 'json', 'server-log'];

function parseOptions(argv: string[]): Options {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  // `npm run bench -- …` hands its options to this, the last command of the script.
  const unknown = argv.filter((arg) => !OPTION_NAMES.some((name) => arg.startsWith(`--${name}=`)));
  if (unknown.length > 0) log(`voicemail bench: ignoring ${unknown.join(' ')} (options of test/bench/run.ts go to it when it runs alone)`);
  const only = value('only');
  if (only !== undefined && only !== 'notice' && only !== 'cpu') throw new Error(`--only=${only}: notice or cpu`);
  return {
    repeats: Number(value('repeats') ?? 3),
    messageSeconds: Number(value('message') ?? 60),
    calls: Number(value('calls') ?? 50),
    windowSeconds: Number(value('window') ?? 15),
    callsPerSecond: Number(value('rate') ?? 10),
    clients: Number(value('clients') ?? Math.max(1, Math.min(2, availableParallelism()))),
    relayLevels: (value('relay-levels') ?? '25,50').split(',').map(Number).filter((n) => n > 0),
    only,
    pin: value('pin') === 'yes' && availableParallelism() >= 2,
    cpuProfileDir: value('cpu-prof'),
    jsonPath: value('json'),
    serverLogPath: value('server-log'),
  };
}

// --- the server from outside ---

/** Server CPU (% of one core, and its kernel part) over `seconds` of the present. */
async function cpuOver(pid: number, seconds: number): Promise<{ percent: number; kernelPercent: number; cpuSeconds: number; elapsed: number }> {
  const before = await processCpuSeconds(pid);
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = await processCpuSeconds(pid);
  const elapsed = (performance.now() - started) / 1000;
  const cpuSeconds = after.user + after.system - before.user - before.system;
  return { percent: (cpuSeconds / elapsed) * 100, kernelPercent: ((after.system - before.system) / elapsed) * 100, cpuSeconds, elapsed };
}

async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`bench: no ${what} within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Message ids whose recording file exists in the box's folder. */
async function recordingsIn(folder: string): Promise<Set<string>> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return new Set(names.filter((name) => name.endsWith('.ogg')).map((name) => name.slice(0, -'.ogg'.length)));
}

// --- set-up ---

interface BenchPbx {
  boxId: string;
  boxFolder: string;
  outboxFolder: string;
  relaySlots: CallSlot[];
}

/** A box that takes long messages, a number that goes straight to it, and the relay users and numbers. */
async function setUpPbx(admin: ApiClient, dataDir: string, options: Options): Promise<BenchPbx> {
  const box = await admin.post('/api/draft/voicemail-boxes', {
    name: 'Bench box',
    email: 'bench-box@example.test',
    limits: { maxMessageSeconds: Math.max(70, options.messageSeconds + 10, options.windowSeconds + 60), minMessageSeconds: 2, silenceEndSeconds: 10, maxMessages: 10_000 },
  });
  if (box.status !== 201) throw new Error(`add box: ${box.status} ${JSON.stringify(box.body)}`);
  const boxId = box.body.entity.id as string;
  const number = await admin.post('/api/draft/incoming-numbers', {
    number: BOX_NUMBER,
    label: 'Bench voicemail',
    destination: { type: 'voicemail', boxId },
    preAnswerMessageId: null,
    smsCompatible: false,
    smsEmail: '',
  });
  if (number.status !== 201) throw new Error(`add number: ${number.status} ${JSON.stringify(number.body)}`);
  const relaySlots = await addCallSlots(admin, options.only === 'notice' ? 0 : Math.max(0, ...options.relayLevels));
  await applyDraft(admin);
  return { boxId, boxFolder: join(dataDir, 'voicemail', boxId), outboxFolder: join(dataDir, 'outbox'), relaySlots };
}

async function speechFrames(): Promise<Uint8Array[]> {
  const tts = await EspeakSynthesizer.load();
  try {
    return encodeOpusClip(tts.synthesize(SPEECH, { voice: 'en' }), { loudness: { mode: 'rms', targetDbfs: -20 } }).frames;
  } finally {
    tts.close();
  }
}

// --- 1. hang-up to notice ---

async function hangupToNotice(server: RunningServer, pbx: BenchPbx, frames: Uint8Array[], messageSeconds: number): Promise<NoticeRun> {
  const caller = await HeadlessPhone.connect({ baseUrl: server.url, frames });
  try {
    const before = await recordingsIn(pbx.boxFolder);
    await caller.dial(BOX_NUMBER);
    await caller.waitState('connected', 20_000);
    // Greeting and beep: the recording starts when its file does.
    const messageId = await until(
      'recording',
      async () => [...(await recordingsIn(pbx.boxFolder))].find((id) => !before.has(id)),
      30_000,
    );
    await sleep(messageSeconds * 1000 + 100);
    const noticeFile = join(pbx.outboxFolder, `voicemail-${messageId}.json`);
    const pid = server.process.pid!;
    const mp3Tid = serverLog(server, 'MP3 stream worker started').at(-1)?.tid as number | undefined;
    const cpuSeconds = async () => {
      const all = await processCpuSeconds(pid);
      const mp3 = mp3Tid === undefined ? undefined : await processCpuSeconds(pid, mp3Tid).catch(() => undefined);
      return { all: all.user + all.system, mp3: mp3 && mp3.user + mp3.system };
    };
    const cpuBefore = await cpuSeconds();
    const hungUpWall = Date.now();
    const hungUpAt = performance.now();
    caller.hangup();
    await until('notice in the outbox', () => (existsSync(noticeFile) ? true : undefined), 120_000);
    const hangupToNoticeMs = performance.now() - hungUpAt;
    const cpuAfter = await cpuSeconds();
    const mp3Bytes = (await stat(join(pbx.outboxFolder, `voicemail-${messageId}`, '1.mp3'))).size;
    const saved = await until('`voicemail message` log', () => serverLog(server, 'voicemail message').find((l) => l.messageId === messageId), 5000);
    const queued = await until('`voicemail notice queued` log', () => serverLog(server, 'voicemail notice queued').find((l) => l.messageId === messageId), 5000);
    return {
      hangupToNoticeMs,
      hangupToSavedMs: saved.time - hungUpWall,
      hangupToQueuedLogMs: queued.time - hungUpWall,
      durationMs: Number(saved.durationMs),
      ending: String(saved.ending),
      mp3Bytes,
      mp3Made: String(queued.mp3 ?? 'from the recording'),
      serverCpuMs: (cpuAfter.all - cpuBefore.all) * 1000,
      mp3WorkerCpuMs: cpuAfter.mp3 !== undefined && cpuBefore.mp3 !== undefined ? (cpuAfter.mp3 - cpuBefore.mp3) * 1000 : undefined,
    };
  } finally {
    await caller.close();
  }
}

// --- 2. CPU: recording ---

interface RecordingOutcome {
  cpu: CpuResult;
  kept: number;
  /** From the hang-ups to the last of their notices in the outbox (prepared one at a time). */
  allNoticesMs: number;
  meanMessageSeconds: number;
}

async function recordingCpu(server: RunningServer, pbx: BenchPbx, frames: Uint8Array[], options: Options): Promise<RecordingOutcome> {
  const pid = server.process.pid!;
  const callers: HeadlessPhone[] = [];
  try {
    for (let i = 0; i < options.calls; i++) callers.push(await HeadlessPhone.connect({ baseUrl: server.url, frames }));
    await sleep(2000);
    const idle = await cpuOver(pid, 3);
    const before = await recordingsIn(pbx.boxFolder);
    const started = performance.now();
    const dials: Promise<void>[] = [];
    for (const [i, caller] of callers.entries()) {
      await sleep(Math.max(0, started + (i * 1000) / options.callsPerSecond - performance.now()));
      // Each starts at a different point of the speech, as different people would.
      caller.say([...frames.slice((i * 37) % frames.length), ...frames.slice(0, (i * 37) % frames.length)]);
      dials.push(caller.dial(BOX_NUMBER).then(() => caller.waitState('connected', 30_000)).then(() => undefined));
    }
    await Promise.all(dials);
    const newIds = async () => [...(await recordingsIn(pbx.boxFolder))].filter((id) => !before.has(id));
    const ids = await until('every caller recording', async () => ((await newIds()).length >= options.calls ? newIds() : undefined), 60_000);
    await sleep(1000);
    for (const caller of callers) caller.resetCounters();
    await readProbe(server, PROBE_ANSWER_MS);
    // The server logs its MP3 stream worker's thread id when the first recording starts it.
    const mp3Tid = serverLog(server, 'MP3 stream worker started').at(-1)?.tid as number | undefined;
    const mp3Before = mp3Tid === undefined ? undefined : await processCpuSeconds(pid, mp3Tid).catch(() => undefined);
    const window = await cpuOver(pid, options.windowSeconds);
    const mp3After = mp3Tid === undefined ? undefined : await processCpuSeconds(pid, mp3Tid).catch(() => undefined);
    const mp3CpuPercent =
      mp3Before && mp3After ? ((mp3After.user + mp3After.system - mp3Before.user - mp3Before.system) / window.elapsed) * 100 : undefined;
    const probe = await readProbe(server, PROBE_ANSWER_MS);
    const rss = await residentBytes(pid);
    const sent = callers.reduce((sum, caller) => sum + caller.counters().sent, 0);
    const up = callers.filter((caller) => caller.mediaConnected).length;

    const hungUpAt = performance.now();
    for (const caller of callers) caller.hangup();
    const noticeFiles = ids.map((id) => join(pbx.outboxFolder, `voicemail-${id}.json`));
    await until('every notice in the outbox', () => (noticeFiles.every((file) => existsSync(file)) ? true : undefined), 300_000);
    const allNoticesMs = performance.now() - hungUpAt;
    const saved = serverLog(server, 'voicemail message').filter((l) => ids.includes(String(l.messageId)));
    const kept = saved.filter((l) => l.kept === true);
    return {
      cpu: {
        what: 'recording',
        calls: options.calls,
        legs: options.calls,
        callsUp: up,
        serverCpuPercent: window.percent,
        kernelCpuPercent: window.kernelPercent,
        packetsPerSecond: sent / window.elapsed,
        cpuPerPacketUs: (window.cpuSeconds * 1e6) / sent,
        loopMaxMs: probe.eventLoop.maxMs,
        rssMb: rss / 1024 / 1024,
        idleCpuPercent: idle.percent,
        mp3CpuPercent,
      },
      kept: kept.length,
      allNoticesMs,
      meanMessageSeconds: kept.reduce((sum, l) => sum + Number(l.durationMs), 0) / Math.max(1, kept.length) / 1000,
    };
  } finally {
    await Promise.all(callers.map((caller) => caller.close()));
  }
}

// --- 2. CPU: relaying ---

async function relayingCpu(server: RunningServer, pbx: BenchPbx, options: Options): Promise<CpuResult[]> {
  const pid = server.process.pid!;
  const phones = new PhoneFleet(options.clients, { cpus: options.pin ? phoneCpus() : undefined });
  const results: CpuResult[] = [];
  try {
    await phones.connect(server.url, pbx.relaySlots);
    await sleep(2000);
    const idle = await cpuOver(pid, 3);
    let active = 0;
    for (const level of options.relayLevels) {
      const started = performance.now();
      const dials: Promise<DialResult>[] = [];
      for (let slot = active; slot < level; slot++) {
        await sleep(Math.max(0, started + ((slot - active) * 1000) / options.callsPerSecond - performance.now()));
        dials.push(phones.dial(slot));
      }
      const failed = (await Promise.all(dials)).filter((d) => !d.ok);
      for (const failure of failed.slice(0, 3)) log(`  a relayed call failed: ${failure.error}`);
      active = level;
      await sleep(2000);
      await phones.reset();
      await readProbe(server, PROBE_ANSWER_MS);
      const window = await cpuOver(pid, options.windowSeconds);
      const probe = await readProbe(server, PROBE_ANSWER_MS);
      const rss = await residentBytes(pid);
      const counters = await phones.read();
      const relayed = counters.reduce((sum, c) => sum + c.received, 0);
      results.push({
        what: 'relaying',
        calls: level,
        legs: level * 2,
        callsUp: counters.reduce((sum, c) => sum + c.callsUp, 0),
        serverCpuPercent: window.percent,
        kernelCpuPercent: window.kernelPercent,
        packetsPerSecond: relayed / window.elapsed,
        cpuPerPacketUs: (window.cpuSeconds * 1e6) / relayed,
        loopMaxMs: probe.eventLoop.maxMs,
        rssMb: rss / 1024 / 1024,
        idleCpuPercent: idle.percent,
      });
      log(`  ${describeCpu(results.at(-1)!)}`);
    }
    await phones.hangupAll();
    await phones.close();
  } finally {
    await phones.stop();
  }
  return results;
}

// --- report ---

function describeCpu(r: CpuResult): string {
  const unit = r.what === 'recording' ? 'received' : 'relayed';
  return (
    `${r.calls} calls ${r.what} (${r.legs} legs, ${r.callsUp} up): server ${r.serverCpuPercent.toFixed(1)}% of a core (kernel ${r.kernelCpuPercent.toFixed(1)}%), ` +
    `${Math.round(r.packetsPerSecond)} ${unit} packets/s, ${r.cpuPerPacketUs.toFixed(1)} µs per ${unit} packet; loop max ${r.loopMaxMs.toFixed(1)} ms; ` +
    `RSS ${r.rssMb.toFixed(0)} MB; idle before ${r.idleCpuPercent.toFixed(1)}%` +
    (r.mp3CpuPercent === undefined ? '' : `; of which the MP3 stream worker ${r.mp3CpuPercent.toFixed(1)}%`)
  );
}

function table(notices: NoticeRun[], options: Options, recording: RecordingOutcome | undefined, relaying: CpuResult[]): string {
  const rows = ['| figure | measured | target |', '| --- | ---: | ---: |'];
  if (notices.length > 0) {
    const worst = Math.max(...notices.map((n) => n.hangupToNoticeMs));
    rows.push(
      `| hang-up → notice with its MP3 in the outbox, ${options.messageSeconds} s message (${notices.length} runs) | ${notices.map((n) => n.hangupToNoticeMs.toFixed(0)).join(' / ')} ms, worst ${worst.toFixed(0)} ms | ≤ 1000 ms${worst <= 1000 ? '' : ' (missed)'} |`,
      `| of which hang-up → message saved (server log) | ${notices.map((n) => n.hangupToSavedMs.toFixed(0)).join(' / ')} ms | |`,
      `| server CPU from hang-up to notice (all threads; of which the MP3 worker) | ${notices
        .map((n) => `${n.serverCpuMs.toFixed(0)}${n.mp3WorkerCpuMs === undefined ? '' : ` (${n.mp3WorkerCpuMs.toFixed(0)})`}`)
        .join(' / ')} ms | |`,
      `| of which saved → notice queued (the MP3's last seconds, server log) | ${notices.map((n) => (n.hangupToQueuedLogMs - n.hangupToSavedMs).toFixed(0)).join(' / ')} ms | |`,
    );
  }
  if (recording) {
    const r = recording.cpu;
    rows.push(
      `| ${r.calls} calls recording (${r.legs} legs): server CPU | ${r.serverCpuPercent.toFixed(1)}% of a core, ${r.cpuPerPacketUs.toFixed(1)} µs per received packet (${Math.round(r.packetsPerSecond)}/s) | |`,
    );
    if (r.mp3CpuPercent !== undefined) {
      rows.push(
        `| … of which the MP3 stream worker (MP3s made as the callers speak) | ${r.mp3CpuPercent.toFixed(1)}% of a core | |`,
        `| … the rest (receive, decode, silence and DTMF checks, Ogg file) | ${(r.serverCpuPercent - r.mp3CpuPercent).toFixed(1)}% of a core | |`,
      );
    }
  }
  for (const r of relaying) {
    rows.push(
      `| ${r.calls} calls relaying (${r.legs} legs): server CPU | ${r.serverCpuPercent.toFixed(1)}% of a core, ${r.cpuPerPacketUs.toFixed(1)} µs per relayed packet (${Math.round(r.packetsPerSecond)}/s) | |`,
    );
  }
  const sameCalls = relaying.find((r) => r.calls === recording?.cpu.calls);
  if (recording && sameCalls) {
    const ratio = recording.cpu.serverCpuPercent / sameCalls.serverCpuPercent;
    const withoutMp3 = (recording.cpu.serverCpuPercent - (recording.cpu.mp3CpuPercent ?? 0)) / sameCalls.serverCpuPercent;
    rows.push(
      `| recording ÷ relaying, ${sameCalls.calls} calls each (whole calls) | ${ratio.toFixed(2)} | ≤ 1${ratio <= 1 ? '' : ' (missed)'} |`,
      `| … the same without the MP3 stream worker | ${withoutMp3.toFixed(2)} | |`,
      `| recording ÷ relaying, per packet (received ÷ relayed) | ${(recording.cpu.cpuPerPacketUs / sameCalls.cpuPerPacketUs).toFixed(2)} | |`,
    );
  }
  if (recording) {
    rows.push(
      `| ${recording.kept} messages of ~${recording.meanMessageSeconds.toFixed(0)} s ended at once: hang-ups → the last notice in the outbox | ${(recording.allNoticesMs / 1000).toFixed(1)} s | |`,
    );
  }
  return rows.join('\n');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const maxPublic = Math.max(options.calls, ...options.relayLevels) * 2;
  log(
    `voicemail bench: ${options.only ? `only ${options.only}; ` : ''}${options.repeats} × ${options.messageSeconds} s message; ${options.calls} recordings and ` +
      `${options.relayLevels.join(', ')} relayed calls, ${options.windowSeconds} s window each; ${options.clients} relay client processes; ${options.callsPerSecond} new calls/s`,
  );
  if (options.cpuProfileDir) await mkdir(options.cpuProfileDir, { recursive: true });
  const server = await startProbedServer({
    env: { MEDIA_ADDRESSES: '127.0.0.1', PUBLIC_CALLS_MAX: String(maxPublic), PUBLIC_CALLS_PER_ADDRESS: String(maxPublic), LOG_LEVEL: 'info' },
    cpuProfileDir: options.cpuProfileDir,
  });
  if (options.pin) {
    pin(server.process.pid!, '0');
    pin(process.pid, phoneCpus());
    log(`pinned: server on CPU 0, phones on CPU ${phoneCpus()}`);
  }
  const notices: NoticeRun[] = [];
  let recording: RecordingOutcome | undefined;
  let relaying: CpuResult[] = [];
  try {
    log(`server pid ${server.process.pid}; data in ${server.dataDir}`);
    const admin = await adminSession(server.url, server.adminPassword);
    const pbx = await setUpPbx(admin, server.dataDir, options);
    const frames = await speechFrames();
    log(`callers say ${(frames.length * 20) / 1000} s of speech, looped`);

    if (options.only !== 'cpu') {
      log(`hang-up to notice (${machineLoad()})`);
      for (let run = 1; run <= options.repeats; run++) {
        const result = await hangupToNotice(server, pbx, frames, options.messageSeconds);
        notices.push(result);
        log(
          `  notice ${run}: ${result.hangupToNoticeMs.toFixed(0)} ms from hang-up to the notice in the outbox (saved after ${result.hangupToSavedMs} ms, ` +
            `queued logged after ${result.hangupToQueuedLogMs} ms); message ${(result.durationMs / 1000).toFixed(1)} s ended by ${result.ending}, MP3 ${(result.mp3Bytes / 1024).toFixed(0)} kB made ${result.mp3Made}; ` +
            `server CPU meanwhile ${result.serverCpuMs.toFixed(0)} ms${result.mp3WorkerCpuMs === undefined ? '' : `, of which the MP3 worker ${result.mp3WorkerCpuMs.toFixed(0)} ms`} (${machineLoad()})`,
        );
      }
    }
    if (options.only !== 'notice') {
      log(`recording (${machineLoad()})`);
      recording = await recordingCpu(server, pbx, frames, options);
      log(`  ${describeCpu(recording.cpu)}`);
      log(`  ${recording.kept} messages kept (~${recording.meanMessageSeconds.toFixed(1)} s each); every notice in the outbox ${(recording.allNoticesMs / 1000).toFixed(1)} s after the hang-ups`);
      log(`relaying (${machineLoad()})`);
      relaying = await relayingCpu(server, pbx, options);
    }
    log(`end (${machineLoad()})`);
  } finally {
    await server.stop();
    if (options.serverLogPath) await writeFile(options.serverLogPath, server.output());
  }
  process.stdout.write(`\n${table(notices, options, recording, relaying)}\n`);
  if (options.jsonPath) await writeFile(options.jsonPath, JSON.stringify({ notices, recording, relaying }, null, 2));
}

await main();
process.exit(0);
