// Conference rooms under load, the third part of `npm run bench` (alone:
// node --import tsx test/bench/conference-bench.ts --rooms=10 --size=5 --window=20).
// The target: 10 rooms of 5 participants at once on one core.
//
// The real server runs in its own process, as `npm start` runs it, on loopback. --rooms rooms
// (10) without PIN, each reached by its own incoming number; --size (5) public callers per room,
// headless werift phones (test/support/headless-phone.ts) in this process, each sending its own
// tone as real Opus at 50 packets/s. Two windows of --window seconds (20) with every call up:
//   1. everyone talks: each listener's mix is its own (5 decodes and 5 encodes per room per
//      20 ms): the worst case;
//   2. one talker per room, the others send digital silence (as a muted microphone does): the
//      silent listeners share one encode (2 encodes per room per 20 ms).
// Figures per window: server CPU (utime + stime of the whole process from /proc/PID/stat, every
// thread: the media worker mixes), loss (sequence-number gaps seen by the phones), mix time per
// 20 ms frame (all rooms, timed by the worker's mixing clock: GET /api/status → conferences) and
// its worst tick, late ticks; and a check that what phones receive is the others' tones, not
// their own.
import { availableParallelism } from 'node:os';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { goertzelPower } from '../../media/dsp/goertzel.ts';
import type { ApiClient } from '../support/api-client.ts';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';
import { adminSession, applyDraft } from '../support/pbx-users.ts';
import { startServer } from '../support/server.ts';
import { decodeOpus } from '../support/tone-analysis.ts';
import { busiestThread, processCpuSeconds, residentBytes, threadCpuSeconds } from './process-stats.ts';

interface Options {
  rooms: number;
  size: number;
  windowSeconds: number;
  callsPerSecond: number;
}

interface MixingStatus {
  rooms: number;
  participants: number;
  ticks: number;
  busyMs: number;
  maxTickMs: number;
  lateTicks: number;
}

interface WindowResult {
  what: string;
  serverCpuPercent: number;
  kernelCpuPercent: number;
  /** The busiest thread (the media worker: packets and mixing), % of one core. */
  mediaThreadCpuPercent: number;
  /** Server CPU per 20 ms tick of the mixing clock, and what 50 ticks a second would take (% of a core). */
  cpuPerTickMs: number;
  projectedCpuPercent: number;
  projectedMediaThreadPercent: number;
  lossPercent: number;
  received: number;
  mixMsPerFrame: number;
  worstTickMs: number;
  lateTicks: number;
  ticks: number;
  /** Frames mixed per second (50 when the server keeps up). */
  framesPerSecond: number;
  /** Listeners checked: the quietest other's tone minus the own tone, in dB (worst of them). */
  ownToneMarginDb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Five tones per room, far enough apart to tell in 0.5 s of audio. */
const TONES = [350, 550, 750, 950, 1150, 1350, 1550, 1750];

function parseOptions(argv: string[]): Options {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    rooms: Number(value('rooms') ?? 10),
    size: Number(value('size') ?? 5),
    windowSeconds: Number(value('window') ?? 20),
    callsPerSecond: Number(value('rate') ?? 5),
  };
}

async function mixingStatus(admin: ApiClient): Promise<MixingStatus> {
  const response = await admin.get('/api/status');
  if (response.status !== 200 || !response.body.conferences) throw new Error(`GET /api/status: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.conferences as MixingStatus;
}

/** Power (dB) of `hz` in the last half second a phone received. */
function receivedDb(samples: Float32Array, hz: number): number {
  return 10 * Math.log10(goertzelPower(samples, hz, 48_000) + 1e-12);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.size > TONES.length) throw new Error(`--size at most ${TONES.length}`);
  const total = options.rooms * options.size;
  log(`conference bench: ${options.rooms} rooms of ${options.size} participants (${total} calls); ${options.windowSeconds} s per window; ${availableParallelism()} CPUs`);
  const server = await startServer({
    env: { MEDIA_ADDRESSES: '127.0.0.1', PUBLIC_CALLS_MAX: String(total * 2), PUBLIC_CALLS_PER_ADDRESS: String(total * 2), LOG_LEVEL: 'warn' },
  });
  const phones: { phone: HeadlessPhone; room: number; tone: number }[] = [];
  const results: WindowResult[] = [];
  try {
    const pid = server.process.pid!;
    const admin = await adminSession(server.url, server.adminPassword);
    const numbers: string[] = [];
    for (let room = 0; room < options.rooms; room++) {
      const created = await admin.post('/api/draft/conference-rooms', { name: `Bench room ${room + 1}`, maxParticipants: options.size });
      if (created.status !== 201) throw new Error(`room: ${created.status} ${JSON.stringify(created.body)}`);
      const number = `+3398${String(room).padStart(7, '0')}`;
      const added = await admin.post('/api/draft/incoming-numbers', { number, label: `Room ${room + 1}`, destination: { type: 'conference', roomId: created.body.entity.id }, smsCompatible: false });
      if (added.status !== 201) throw new Error(`number: ${added.status} ${JSON.stringify(added.body)}`);
      numbers.push(number);
    }
    await applyDraft(admin);
    // 0.15 each: four together stay below full scale (clipping would put intermodulation products
    // on the fifth's frequency, the tones being evenly spaced).
    const talk = TONES.slice(0, options.size).map((hz) => toneFrames(hz, 1, 0.15));
    const silence = encodeOpusClip(new Float32Array(48_000)).frames;

    log(`dialling ${total} calls, ${options.callsPerSecond} a second`);
    const rssBefore = await residentBytes(pid);
    const started = performance.now();
    const dials: Promise<void>[] = [];
    let failedSetups = 0;
    for (let i = 0; i < total; i++) {
      const room = i % options.rooms;
      const seat = Math.floor(i / options.rooms);
      await sleep(Math.max(0, started + (i * 1000) / options.callsPerSecond - performance.now()));
      dials.push(
        (async () => {
          // A loaded machine may lose a setup now and then (ICE or DTLS past its timeout): that
          // caller dials again, so every room has its participants when measured.
          for (let attempt = 1; ; attempt++) {
            const phone = await HeadlessPhone.connect({ baseUrl: server.url, frames: talk[seat]!, keepReceived: true });
            try {
              await phone.dial(numbers[room]!);
              await phone.waitState('connected', 20_000);
              await phone.waitMediaConnected(20_000);
              phones.push({ phone, room, tone: TONES[seat]! });
              return;
            } catch (error) {
              await phone.close();
              failedSetups++;
              if (attempt === 3) throw error;
            }
          }
        })(),
      );
    }
    await Promise.all(dials);
    // The first of each room heard a prompt before the others came: let every mix settle.
    await sleep(6000);
    const status = await mixingStatus(admin);
    log(`  ${status.rooms} rooms, ${status.participants} participants on the media worker (${failedSetups} setups failed and were dialled again); server RSS +${((await residentBytes(pid)) - rssBefore) / 1024 / 1024 | 0} MB`);

    const measure = async (what: string): Promise<void> => {
      await sleep(1000);
      for (const { phone } of phones) phone.resetCounters();
      const mixingFrom = await mixingStatus(admin);
      const cpuFrom = await processCpuSeconds(pid);
      const threadsFrom = await threadCpuSeconds(pid);
      const windowStarted = performance.now();
      await sleep(options.windowSeconds * 1000);
      const cpuTo = await processCpuSeconds(pid);
      const media = busiestThread(threadsFrom, await threadCpuSeconds(pid));
      const seconds = (performance.now() - windowStarted) / 1000;
      const mixingTo = await mixingStatus(admin);
      let received = 0;
      let lost = 0;
      for (const { phone } of phones) {
        const counters = phone.counters();
        received += counters.packets;
        lost += counters.lost;
      }
      // What the phones of the first room hear: every other talker, not themselves.
      let margin = Infinity;
      const firstRoom = phones.filter((p) => p.room === 0);
      const talkers = firstRoom.filter((p) => what.startsWith('everyone') || p === firstRoom.find((q) => q.tone === TONES[0]));
      for (const listener of firstRoom) {
        const others = talkers.filter((t) => t !== listener);
        if (others.length === 0) continue;
        const samples = decodeOpus(listener.phone.receivedPayloads(25));
        const quietestOther = Math.min(...others.map((t) => receivedDb(samples, t.tone)));
        margin = Math.min(margin, quietestOther - receivedDb(samples, listener.tone));
      }
      const ticks = mixingTo.ticks - mixingFrom.ticks;
      const cpuSeconds = cpuTo.user + cpuTo.system - cpuFrom.user - cpuFrom.system;
      // On a busy machine the server may get less CPU than it asks for, and mix fewer than 50
      // frames a second; its CPU per frame tells what the full rate takes.
      const cpuPerTickMs = ticks > 0 ? (cpuSeconds * 1000) / ticks : NaN;
      const result: WindowResult = {
        what,
        serverCpuPercent: (cpuSeconds / seconds) * 100,
        mediaThreadCpuPercent: (media.seconds / seconds) * 100,
        cpuPerTickMs,
        projectedCpuPercent: cpuPerTickMs * 5,
        projectedMediaThreadPercent: ticks > 0 ? ((media.seconds * 1000) / ticks) * 5 : NaN,
        kernelCpuPercent: ((cpuTo.system - cpuFrom.system) / seconds) * 100,
        lossPercent: received + lost > 0 ? (lost / (received + lost)) * 100 : NaN,
        received,
        mixMsPerFrame: ticks > 0 ? (mixingTo.busyMs - mixingFrom.busyMs) / ticks : NaN,
        worstTickMs: mixingTo.maxTickMs,
        lateTicks: mixingTo.lateTicks - mixingFrom.lateTicks,
        ticks,
        framesPerSecond: ticks / seconds,
        ownToneMarginDb: margin,
      };
      results.push(result);
      log(
        `  ${what}: server ${result.serverCpuPercent.toFixed(0)}% of a core (kernel ${result.kernelCpuPercent.toFixed(0)}%, busiest thread ${result.mediaThreadCpuPercent.toFixed(0)}%); ` +
          `${cpuPerTickMs.toFixed(2)} ms of server CPU per 20 ms frame: at 50 frames/s ${result.projectedCpuPercent.toFixed(0)}% of a core (busiest thread ${result.projectedMediaThreadPercent.toFixed(0)}%); mix ${result.mixMsPerFrame.toFixed(2)} ms per 20 ms frame ` +
          `(${result.framesPerSecond.toFixed(1)} frames/s, ${result.lateTicks} late, worst tick since start ${result.worstTickMs.toFixed(1)} ms); loss ${result.lossPercent.toFixed(3)}% of ${received} packets; ` +
          `own tone at least ${margin.toFixed(0)} dB under the others'`,
      );
    };

    await measure('everyone talks');
    // One talker per room (the first seat's tone); the others send silence, as muted microphones do.
    for (const { phone, tone } of phones) if (tone !== TONES[0]) phone.say(silence);
    await measure('one talker per room');
  } finally {
    await Promise.all(phones.map(({ phone }) => phone.close()));
    await server.stop();
  }
  process.stdout.write(`\n${table(options, results)}\n`);
}

function table(options: Options, results: WindowResult[]): string {
  const rows = [
    `| ${options.rooms} rooms × ${options.size} | server CPU (% of one core) | media thread | server CPU per 20 ms frame → at 50 frames/s | mix time per frame (wall) | frames mixed per s (late) | loss | own tone under the others' |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.what} | ${r.serverCpuPercent.toFixed(0)} % (kernel ${r.kernelCpuPercent.toFixed(0)} %) | ${r.mediaThreadCpuPercent.toFixed(0)} % | ${r.cpuPerTickMs.toFixed(2)} ms → ${r.projectedCpuPercent.toFixed(0)} % (media thread ${r.projectedMediaThreadPercent.toFixed(0)} %) | ${r.mixMsPerFrame.toFixed(2)} ms | ${r.framesPerSecond.toFixed(1)} (${r.lateTicks}) | ${r.lossPercent.toFixed(2)} % | ≥ ${r.ownToneMarginDb.toFixed(0)} dB |`,
    );
  }
  return rows.join('\n');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

await main();
process.exit(0);
