// Hold music for 100 callers at once: server CPU per listener, and proof that the music is encoded
// once, not per listener. The server runs in its own process; the callers are headless werift
// phones in this one, on the public caller page's namespace, all dialling one incoming number set
// to "music on hold instead of ringback" while its user's phone rings (unanswered, 120 s): the
// same shared LoopTrack as hold, fanned out by the Player. The music is a 30 s MP3, uploaded
// through the API as an admin would.
// Run alone: node --import tsx test/bench/hold-music-bench.ts [--listeners=100] [--window=15]
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { defaultHoldMusic } from '../../media/audio/tones.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { ApiClient } from '../support/api-client.ts';
import { mp3File, tone } from '../support/audio-files.ts';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const MAIN_NUMBER = '+33100000101';
const MUSIC_HZ = 700;
const CLOCK_TICKS_PER_SECOND = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function option(name: string, fallback: number): number {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Server CPU, % of one core, over `seconds` from now. */
async function serverCpu(server: RunningServer, seconds: number): Promise<number> {
  const before = await cpuSeconds(server.process.pid!);
  const started = performance.now();
  await sleep(seconds * 1000);
  return ((await cpuSeconds(server.process.pid!)) - before) / ((performance.now() - started) / 1000) * 100;
}

function logLines(server: RunningServer, msg: string): number {
  return server.output().split('\n').filter((line) => line.includes(`"msg":"${msg}"`)).length;
}

function log(line: string): void {
  process.stdout.write(`[hold-music bench] ${line}\n`);
}

async function setUp(server: RunningServer): Promise<void> {
  // Made first: encoding takes seconds, and a keep-alive connection idle that long is closed by the server.
  const music = new Uint8Array(mp3File(tone(MUSIC_HZ, 30, 44100, 0.4), { stereo: true }));
  const admin = new ApiClient(server.url);
  await admin.loginAdmin(server.adminPassword);
  const users = (await admin.get('/api/draft/users')).body as { id: string; extension: string }[];
  const alice = users.find((u) => u.extension === '101')!;
  // Alice's phone rings for 120 s, then nothing: long enough for the whole measure.
  const forwardings = { noAnswer: { enabled: true, afterSeconds: 120, targets: [], voicemailLastResort: false }, busy: { enabled: false, targets: [], voicemailLastResort: false } };
  const edited = await admin.put(`/api/draft/users/${alice.id}`, { ...alice, password: 'bench-secret', forwardings });
  if (edited.status !== 200) throw new Error(`user: ${JSON.stringify(edited.body)}`);
  const numbers = (await admin.get('/api/draft/incoming-numbers')).body as { id: string; number: string }[];
  const main = numbers.find((n) => n.number === MAIN_NUMBER)!;
  const waiting = await admin.put(`/api/draft/incoming-numbers/${main.id}`, { ...main, whileRinging: { type: 'music-on-hold', repeatedMessageId: null, repeatAfterSeconds: 30 } });
  if (waiting.status !== 200) throw new Error(`number: ${JSON.stringify(waiting.body)}`);
  const form = new FormData();
  form.append('file', new Blob([music], { type: 'audio/mpeg' }), 'bench-music.mp3');
  const uploaded = await fetch(`${server.url}/api/draft/music-on-hold`, { method: 'POST', body: form, headers: { cookie: admin.cookie } });
  if (uploaded.status !== 200) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  const fileId = ((await uploaded.json()) as { musicOnHold: { fileId: string } }).musicOnHold.fileId;
  const applied = await admin.post('/api/draft/apply');
  if (applied.status !== 200) throw new Error(`apply: ${JSON.stringify(applied.body)}`);
  for (let i = 0; ; i++) {
    const music = (await admin.get('/api/status')).body.music as { holdMusicFileId: string | null };
    if (music.holdMusicFileId === fileId) break;
    if (i > 100) throw new Error('the uploaded music never came into force');
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const listeners = option('listeners', 100);
  const windowSeconds = option('window', 15);
  const server = await startServer({
    env: { MEDIA_ADDRESSES: '127.0.0.1', PUBLIC_CALLS_MAX: String(listeners * 2), PUBLIC_CALLS_PER_ADDRESS: String(listeners * 2), LOG_LEVEL: 'info' },
  });
  const phones: HeadlessPhone[] = [];
  try {
    await setUp(server);
    const admin = new ApiClient(server.url);
    await admin.loginAdmin(server.adminPassword);
    phones.push(await HeadlessPhone.connect({ baseUrl: server.url, login: { extension: '101', password: 'bench-secret' } }));
    await sleep(1000);
    const idle = await serverCpu(server, windowSeconds);
    log(`idle server (no call): ${idle.toFixed(1)} % of a core`);

    // The callers say a quiet tone, as a person waiting says nothing much; 10 new callers a second.
    const frames = toneFrames(300, 1, 0.01);
    const callers: HeadlessPhone[] = [];
    for (let i = 0; i < listeners; i++) {
      const caller = await HeadlessPhone.connect({ baseUrl: server.url, frames, keepReceived: i < 3 });
      callers.push(caller);
      phones.push(caller);
      await caller.dial(MAIN_NUMBER);
      await sleep(100);
    }
    await Promise.all(callers.map((c) => c.waitMediaConnected(30_000)));
    await sleep(2000);
    const status = (await admin.get('/api/status')).body;
    for (const caller of callers) caller.resetCounters();
    const withListeners = await serverCpu(server, windowSeconds);
    const received = callers.map((c) => c.counters().packets);
    const heard = callers.slice(0, 3).map((c) => c.receivedFrequency(1000));
    const perListener = (withListeners - idle) / listeners;
    const packetsPerSecond = received.reduce((a, b) => a + b, 0) / windowSeconds;
    const microsPerPacket = ((withListeners - idle) / 100) * 1e6 / packetsPerSecond;

    // What encoding per listener would cost: one 20 ms frame of music through the same encoder.
    const music = defaultHoldMusic(48000);
    const started = performance.now();
    const clip = encodeOpusClip(music, { application: 'audio' });
    const encodeMicrosPerFrame = ((performance.now() - started) * 1000) / clip.frames.length;
    const perListenerIfEncoded = (encodeMicrosPerFrame * 50) / 1e4;

    log(`${listeners} callers listening: server ${withListeners.toFixed(1)} % of a core; player listeners ${status.playerListeners}; active calls ${status.activeCalls}`);
    log(`  each caller received ${Math.min(...received)}–${Math.max(...received)} packets in ${windowSeconds} s (50/s expected); the first three hear ${heard.map((hz) => `${hz} Hz`).join(', ')} (the music is ${MUSIC_HZ} Hz)`);
    log(`  per listener: ${perListener.toFixed(3)} % of a core (${microsPerPacket.toFixed(1)} µs per packet sent, the callers' own packets, received and dropped, included)`);
    log(
      `  encodes: the upload's one (log "music on hold changed" ${logLines(server, 'music on hold changed')} time(s)), none per listener; ` +
        `encoding per listener would add ${encodeMicrosPerFrame.toFixed(0)} µs a frame = ${perListenerIfEncoded.toFixed(2)} % of a core each, ${(perListenerIfEncoded * listeners).toFixed(0)} % for ${listeners}`,
    );
    process.stdout.write(
      `\n| figure | measured |\n| --- | ---: |\n` +
        `| server idle | ${idle.toFixed(1)} % of a core |\n` +
        `| server with ${listeners} callers hearing the music | ${withListeners.toFixed(1)} % of a core |\n` +
        `| per listener | ${perListener.toFixed(3)} % of a core, ${microsPerPacket.toFixed(1)} µs per packet |\n` +
        `| music encodes | 1 (at upload), 0 per listener |\n` +
        `| what an encode per listener would add | ${encodeMicrosPerFrame.toFixed(0)} µs a frame, ${perListenerIfEncoded.toFixed(2)} % of a core per listener |\n`,
    );
  } catch (error) {
    process.stderr.write(`server output (end):\n${server.output().slice(-3000)}\n`);
    throw error;
  } finally {
    await Promise.all(phones.map((p) => p.close()));
    await server.stop();
  }
}

await main();
process.exit(0);
