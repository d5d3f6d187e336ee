// One bench client process: the headless phones of some calls, both ends of each (a public caller
// on /caller dialling an incoming number, and the softphone of the user it rings, answering at
// once), so one clock times a packet from one phone to the other; or, for a number that leads to a
// voicemail box, the caller alone, who leaves a message. Driven over the IPC channel
// (test/bench/phone-fleet.ts): each request { id, command, ... } gets one reply { id, ... }.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';
import { LatencyHistogram } from './latency-histogram.ts';

export interface CallSlot {
  slot: number;
  /** The incoming number the caller dials. */
  number: string;
  /** The user it rings, signed in here and answering at once; none when the number leads to a voicemail box. */
  callee?: { extension: string; password: string };
}

export type BenchCommand =
  | { command: 'connect'; baseUrl: string; slots: CallSlot[] }
  | { command: 'dial'; slot: number }
  /** The caller of a slot hangs up; resolves when both phones have seen the end. */
  | { command: 'hangup'; slot: number }
  /** The callee of a slot puts the call on hold: the caller hears the music on hold. */
  | { command: 'hold'; slot: number }
  | { command: 'reset' }
  | { command: 'read' }
  | { command: 'hangup-all' }
  /** A CPU profile of this process between the two (what the phones cost while calls are held). */
  | { command: 'profile-start' }
  | { command: 'profile-stop'; path: string }
  | { command: 'close' };
export type BenchRequest = BenchCommand & { id: number };

export interface DialResult {
  ok: boolean;
  error?: string;
  /** From the `dial` request sent to the call-update `connected` (the callee answered). */
  setupMs?: number;
  /** From the `dial` request sent to the caller's media connected (ICE + DTLS). */
  mediaMs?: number;
}

export interface PhoneCounters {
  /** Calls whose two phones still have their media up. */
  callsUp: number;
  received: number;
  lost: number;
  sent: number;
  /** Phone-to-phone times of the packets matched to their sending, as histogram buckets. */
  latency: Record<number, number>;
  /** This process's own event-loop delay, to tell whether the phones kept up. */
  loopMaxMs: number;
  loopP99Ms: number;
  cpuPercent: number;
  /** The kernel's share of it (UDP on loopback is mostly kernel time). */
  systemCpuPercent: number;
  /** Sequence numbers missing, by slot, for the slots that miss any. */
  lostBySlot: Record<number, number>;
  /** Packets each slot's caller received (the other phone, ringback, prompts or the music on hold). */
  callerHeardBySlot: Record<number, number>;
}

/** A message left by a slot's caller (no callee), as the caller timed it. */
export interface MessageLeft {
  slot: number;
  /** From the last sound the PBX sent (the end of the beep, when the recording starts) to the hang-up. */
  spokeMs: number;
}

interface Call {
  caller: HeadlessPhone;
  callee: HeadlessPhone | undefined;
  slot: CallSlot;
  /** When the caller last received a packet (performance.now()). */
  callerHeardAt: number;
}

// Every frame of each clip differs (checked below), so a payload names the frame it came from.
const CALLER_FRAMES = toneFrames(443.7, 1);
const CALLEE_FRAMES = toneFrames(523.25, 1);
const frameIndex = (frames: Uint8Array[]) => new Map(frames.map((frame, i) => [Buffer.from(frame).toString('latin1'), i]));
const CALLER_INDEX = frameIndex(CALLER_FRAMES);
const CALLEE_INDEX = frameIndex(CALLEE_FRAMES);
if (CALLER_INDEX.size !== CALLER_FRAMES.length || CALLEE_INDEX.size !== CALLEE_FRAMES.length) throw new Error('bench: two frames of a clip are equal');

const calls = new Map<number, Call>();
const latency = new LatencyHistogram();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let profiler: Session | undefined;
let cpuMark = { usage: process.cpuUsage(), at: performance.now() };

/** Phone-to-phone time: when the frame that just arrived was sent by the other phone. */
function probe(sentAt: Float64Array, index: Map<string, number>) {
  return (payload: Buffer) => {
    const frame = index.get(payload.toString('latin1'));
    if (frame === undefined) return; // ringback or a prompt, not the other phone
    const sent = sentAt[frame]!;
    if (sent > 0) latency.record(performance.now() - sent);
  };
}

async function connect(baseUrl: string, slots: CallSlot[]): Promise<void> {
  for (const slot of slots) {
    const callerSent = new Float64Array(CALLER_FRAMES.length);
    const calleeSent = new Float64Array(CALLEE_FRAMES.length);
    const callee = slot.callee
      ? await HeadlessPhone.connect({
          baseUrl,
          login: slot.callee,
          autoAnswer: true,
          frames: CALLEE_FRAMES,
          onSend: (i) => (calleeSent[i] = performance.now()),
          onReceive: probe(callerSent, CALLER_INDEX),
        })
      : undefined;
    const heardByCaller = probe(calleeSent, CALLEE_INDEX);
    const caller = await HeadlessPhone.connect({
      baseUrl,
      frames: CALLER_FRAMES,
      onSend: (i) => (callerSent[i] = performance.now()),
      onReceive: (payload) => {
        call.callerHeardAt = performance.now();
        heardByCaller(payload);
      },
    });
    const call: Call = { caller, callee, slot, callerHeardAt: 0 };
    calls.set(slot.slot, call);
  }
}

async function dial(slot: number): Promise<DialResult> {
  const call = calls.get(slot);
  if (!call) return { ok: false, error: `no slot ${slot}` };
  try {
    await call.caller.dial(call.slot.number);
    await call.caller.waitState('connected', 20_000);
    await call.caller.waitMediaConnected(20_000);
    await call.callee?.waitMediaConnected(20_000);
    const times = call.caller.times!;
    return { ok: true, setupMs: times.connected! - times.requested!, mediaMs: times.mediaConnected! - times.requested! };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function read(): PhoneCounters {
  let received = 0;
  let lost = 0;
  let sent = 0;
  let callsUp = 0;
  const lostBySlot: Record<number, number> = {};
  const callerHeardBySlot: Record<number, number> = {};
  for (const { caller, callee, slot } of calls.values()) {
    if (caller.mediaConnected && (!callee || callee.mediaConnected)) callsUp++;
    callerHeardBySlot[slot.slot] = caller.counters().packets;
    for (const phone of callee ? [caller, callee] : [caller]) {
      const counters = phone.counters();
      received += counters.packets;
      lost += counters.lost;
      sent += counters.sent;
      if (counters.lost > 0) lostBySlot[slot.slot] = (lostBySlot[slot.slot] ?? 0) + counters.lost;
    }
  }
  const usage = process.cpuUsage(cpuMark.usage);
  const elapsedMs = performance.now() - cpuMark.at;
  return {
    callsUp,
    received,
    lost,
    sent,
    latency: latency.buckets(),
    loopMaxMs: loopDelay.max / 1e6,
    loopP99Ms: loopDelay.percentile(99) / 1e6,
    cpuPercent: elapsedMs > 0 ? ((usage.user + usage.system) / 1000 / elapsedMs) * 100 : 0,
    systemCpuPercent: elapsedMs > 0 ? (usage.system / 1000 / elapsedMs) * 100 : 0,
    lostBySlot,
    callerHeardBySlot,
  };
}

function reset(): void {
  for (const { caller, callee } of calls.values()) {
    caller.resetCounters();
    callee?.resetCounters();
  }
  latency.reset();
  loopDelay.reset();
  cpuMark = { usage: process.cpuUsage(), at: performance.now() };
}

/** Every caller hangs up; resolves when every callee has seen the end, with the messages the others left. */
async function hangupAll(): Promise<{ messages: MessageLeft[] }> {
  const messages: MessageLeft[] = [];
  await Promise.all(
    [...calls.values()].map(async (call) => {
      if (!call.caller.callId) return;
      call.caller.hangup();
      if (!call.callee) messages.push({ slot: call.slot.slot, spokeMs: performance.now() - call.callerHeardAt });
      await hungUp(call);
    }),
  );
  return { messages };
}

async function hungUp({ callee }: Call): Promise<void> {
  await callee?.waitFor(() => !callee.callId, 10_000, 'the end of the call').catch(() => {});
}

async function handle(request: BenchRequest): Promise<object> {
  switch (request.command) {
    case 'connect':
      await connect(request.baseUrl, request.slots);
      return {};
    case 'dial':
      return dial(request.slot);
    case 'hangup': {
      const call = calls.get(request.slot);
      if (call?.caller.callId) {
        call.caller.hangup();
        await hungUp(call);
      }
      return {};
    }
    case 'hold': {
      const callee = calls.get(request.slot)?.callee;
      if (!callee) throw new Error(`slot ${request.slot}: no callee to put the call on hold`);
      await callee.hold(true);
      return {};
    }
    case 'reset':
      reset();
      return {};
    case 'read':
      return read();
    case 'profile-start':
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      return {};
    case 'profile-stop': {
      if (!profiler) return {};
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(request.path, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
      return {};
    }
    case 'hangup-all':
      return hangupAll();
    case 'close':
      await Promise.all([...calls.values()].flatMap(({ caller, callee }) => [caller.close(), callee?.close()]));
      setTimeout(() => process.exit(0), 100);
      return {};
  }
}

process.on('message', (request: BenchRequest) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ...result }),
    (error: unknown) => process.send!({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
