// `npm run bench`: the server in one process, headless phones in others (test/bench/phones.ts),
// real Opus relayed at 50 packets/s each way, on loopback only. Calls are added at a steady rate
// up to each level (10, 50, 100, 150 concurrent calls by default), each level is held and measured,
// then everything is hung up and stopped. Prints one table row per level.
//
// `npm run bench` runs it with its defaults (then the voicemail bench); alone, with options:
//   node --import tsx test/bench/run.ts --levels=10,50 --hold=20 --clients=2 --rate=10
//     --server-root=/path/to/other/checkout   measure another version of the server
//     --pin=yes                               server on CPU 0, phones on the others (an idle machine only)
//     --cpu-prof=/tmp/profiles                server CPU profile, written at its exit
//     --client-cpu-prof=/tmp/profiles         the phones' profiles while each level is held
//     --server-node-args="--trace-gc" --server-log=/tmp/server.log
//     --json=/tmp/bench.json                  every figure, for comparing runs
//
// How each figure is taken:
// - server CPU: utime + stime of the server process from /proc/PID/stat over the measured window
//   (all its threads), divided by the packets it relayed in that window (one relayed packet = one
//   received + one sent), counted as they reach the phones.
// - setup: from the caller's `dial` request to its call-update `connected` (the callee, which
//   answers at once with its own offer, has been rung and has answered), for the calls added to
//   reach the level, while the earlier calls keep talking.
// - loop stall during setup: monitorEventLoopDelay's maximum on the server's main thread (signaling)
//   while those calls were set up; the media worker's own is in the log line. The probe's loop
//   monitors (1 ms timers, a few % of a core) rest during the CPU windows.
// - hop in the server: from the RTP datagram's `message` event to the send it causes, timed by a
//   probe loaded into the server (test/bench/server-probe.ts) on one packet in 8; the time a
//   datagram waits for the event loop before that is not in it.
// - phone to phone: from a frame's send by one phone to its arrival at the other (same process,
//   one clock): the whole path, two client event loops included.
// - loss: sequence-number gaps seen by the phones during the window.
// - memory per call: (server RSS at the level - RSS before the first call) / calls.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminSession, applyDraft } from '../support/pbx-users.ts';
import { phoneCpus, pin, readProbe, startProbedServer, threadsOf, toggleLoopMonitors } from './bench-server.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { addCallSlots, PhoneFleet } from './phone-fleet.ts';
import type { DialResult } from './phones.ts';
import { processCpuSeconds, residentBytes } from './process-stats.ts';

interface Options {
  levels: number[];
  holdSeconds: number;
  clients: number;
  callsPerSecond: number;
  serverRoot: string | undefined;
  cpuProfileDir: string | undefined;
  clientCpuProfileDir: string | undefined;
  serverNodeArgs: string[];
  jsonPath: string | undefined;
  serverLogPath: string | undefined;
  /** Server on CPU 0, phones on the others: the server has one core to itself, as the targets say. */
  pin: boolean;
}

interface LevelResult {
  calls: number;
  /** Calls still up (both phones' media) at the end of the window. */
  callsUp: number;
  failedSetups: number;
  serverCpuPercent: number;
  cpuPerPacketUs: number;
  /** The kernel's part of it (sending on loopback includes delivering to the receiving socket). */
  kernelPerPacketUs: number;
  relayedPerSecond: number;
  setupP50Ms: number;
  setupP99Ms: number;
  mediaP99Ms: number;
  /** The main thread's (signaling) event loop while calls were set up. */
  setupLoopStallMs: number;
  /** The relaying thread's: the media worker's, or the main thread's when media runs there. */
  mediaSetupLoopStallMs: number;
  hopP50Ms: number;
  hopP99Ms: number;
  phoneToPhoneP50Ms: number;
  phoneToPhoneP99Ms: number;
  lossPercent: number;
  memoryPerCallMb: number;
  rssMb: number;
  clientCpuPercent: number[];
  clientSystemCpuPercent: number[];
  clientLoopMaxMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseOptions(argv: string[]): Options {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    levels: (value('levels') ?? '10,50,100,150').split(',').map(Number).filter((n) => n > 0),
    holdSeconds: Number(value('hold') ?? 20),
    clients: Number(value('clients') ?? Math.max(1, Math.min(2, availableParallelism()))),
    callsPerSecond: Number(value('rate') ?? 10),
    serverRoot: value('server-root'),
    cpuProfileDir: value('cpu-prof'),
    clientCpuProfileDir: value('client-cpu-prof'),
    serverNodeArgs: value('server-node-args')?.split(' ').filter(Boolean) ?? [],
    jsonPath: value('json'),
    serverLogPath: value('server-log'),
    pin: value('pin') === 'yes' && availableParallelism() >= 2,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const maxCalls = Math.max(...options.levels);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  log(`bench: levels ${options.levels.join(', ')}; ${options.holdSeconds} s each; ${options.clients} client processes; ${options.callsPerSecond} new calls/s; server ${options.serverRoot ?? root}`);

  if (options.cpuProfileDir) await mkdir(options.cpuProfileDir, { recursive: true });
  const server = await startProbedServer({
    cwd: options.serverRoot,
    env: { MEDIA_ADDRESSES: '127.0.0.1', PUBLIC_CALLS_MAX: String(maxCalls * 2), PUBLIC_CALLS_PER_ADDRESS: String(maxCalls * 2), LOG_LEVEL: 'warn' },
    cpuProfileDir: options.cpuProfileDir,
    nodeArgs: options.serverNodeArgs,
  });
  const phones = new PhoneFleet(options.clients, { cpus: options.pin ? phoneCpus() : undefined });
  if (options.pin) {
    pin(server.process.pid!, '0');
    log(`pinned: server on CPU 0, phones on CPU ${phoneCpus()}`);
  }
  const results: LevelResult[] = [];
  let setupCpuMs = NaN;
  try {
    const pid = server.process.pid!;
    log(`server pid ${pid}; adding ${maxCalls} users and incoming numbers (the server hashes each password)`);
    const admin = await adminSession(server.url, server.adminPassword);
    const slots = await addCallSlots(admin, maxCalls);
    await applyDraft(admin);

    log('connecting the phones (softphone logins and public callers)');
    await phones.connect(server.url, slots);
    // Let the memory of the set-up (logins, password hashes) settle before the baseline.
    await sleep(5000);
    const rssBefore = await residentBytes(pid);
    // The server's own pace with every phone connected and no call: signaling heartbeats, timers
    // (the probe's loop monitors resting, as in every CPU window).
    toggleLoopMonitors(server);
    await sleep(200);
    const idleFrom = await processCpuSeconds(pid);
    await sleep(5000);
    const idleTo = await processCpuSeconds(pid);
    const idlePercent = ((idleTo.user + idleTo.system - idleFrom.user - idleFrom.system) / 5) * 100;
    log(`  no call, ${maxCalls * 2} phones connected: server ${idlePercent.toFixed(1)}% of a core; RSS ${(rssBefore / 1024 / 1024).toFixed(0)} MB`);

    // What one call costs the server from dial to hang-up (signaling, two legs, two DTLS
    // handshakes, history), calls one after the other with nothing else going on.
    const SETUP_SAMPLES = 40;
    for (let i = 0; i < 5; i++) {
      // Warm-up: the first calls also compile the code they run.
      await phones.dial(0);
      await phones.hangup(0);
    }
    const setupFrom = await processCpuSeconds(pid);
    const setupStarted = performance.now();
    for (let i = 0; i < SETUP_SAMPLES; i++) {
      await phones.dial(0);
      await phones.hangup(0);
    }
    await sleep(1000);
    const setupTo = await processCpuSeconds(pid);
    // Less what the server spends anyway (heartbeats) over that time.
    const idleShare = (idlePercent / 100) * ((performance.now() - setupStarted) / 1000);
    setupCpuMs = ((setupTo.user + setupTo.system - setupFrom.user - setupFrom.system - idleShare) * 1000) / SETUP_SAMPLES;
    log(`  one call set up, connected and hung up: ${setupCpuMs.toFixed(1)} ms of server CPU (${SETUP_SAMPLES} calls one after the other)`);
    toggleLoopMonitors(server);

    let active = 0;
    for (const level of options.levels) {
      // Calls added at a steady rate while the earlier ones keep talking.
      await readProbe(server);
      const rampStarted = performance.now();
      const dials: Promise<DialResult>[] = [];
      for (let slot = active; slot < level; slot++) {
        const due = rampStarted + ((slot - active) * 1000) / options.callsPerSecond;
        await sleep(Math.max(0, due - performance.now()));
        dials.push(phones.dial(slot));
      }
      const setups = await Promise.all(dials);
      const duringSetup = await readProbe(server);
      const failed = setups.filter((s) => !s.ok);
      for (const failure of failed.slice(0, 3)) log(`  a call failed: ${failure.error}`);
      active = level;

      await sleep(2000);
      await readProbe(server);
      // The probe's loop monitors rest while CPU is measured (their timers are not the PBX's cost).
      toggleLoopMonitors(server);
      await phones.reset();
      if (options.clientCpuProfileDir) await Promise.all(phones.processes.map((p) => p.request({ command: 'profile-start' })));
      const cpuBefore = await processCpuSeconds(pid);
      const windowStarted = performance.now();
      await sleep(options.holdSeconds * 1000);
      const cpuAfter = await processCpuSeconds(pid);
      const seconds = (performance.now() - windowStarted) / 1000;
      toggleLoopMonitors(server);
      // The phones' counts first: the probe takes a moment to answer.
      const counters = await phones.read();
      const probe = await readProbe(server);
      if (options.clientCpuProfileDir) {
        await mkdir(options.clientCpuProfileDir, { recursive: true });
        await Promise.all(phones.processes.map((p, c) => p.request({ command: 'profile-stop', path: join(options.clientCpuProfileDir!, `phones-${level}-calls-${c}.cpuprofile`) })));
      }
      const rss = await residentBytes(pid);

      const latency = new LatencyHistogram();
      for (const c of counters) latency.merge(c.latency);
      const received = counters.reduce((sum, c) => sum + c.received, 0);
      const lost = counters.reduce((sum, c) => sum + c.lost, 0);
      const cpuSeconds = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
      const kernelSeconds = cpuAfter.system - cpuBefore.system;
      // Relayed = what reached the phones from the server (the phones also count the gaps).
      const relayed = received;
      const ok = setups.filter((s) => s.ok);
      const result: LevelResult = {
        calls: level,
        callsUp: counters.reduce((sum, c) => sum + c.callsUp, 0),
        failedSetups: failed.length,
        serverCpuPercent: (cpuSeconds / seconds) * 100,
        cpuPerPacketUs: relayed > 0 ? (cpuSeconds * 1e6) / relayed : NaN,
        kernelPerPacketUs: relayed > 0 ? (kernelSeconds * 1e6) / relayed : NaN,
        relayedPerSecond: relayed / seconds,
        setupP50Ms: percentile(ok.map((s) => s.setupMs!), 50),
        setupP99Ms: percentile(ok.map((s) => s.setupMs!), 99),
        mediaP99Ms: percentile(ok.map((s) => s.mediaMs!), 99),
        setupLoopStallMs: threadsOf(duringSetup).main.eventLoop.maxMs,
        mediaSetupLoopStallMs: threadsOf(duringSetup).media.eventLoop.maxMs,
        hopP50Ms: threadsOf(probe).media.relay.p50Ms,
        hopP99Ms: threadsOf(probe).media.relay.p99Ms,
        phoneToPhoneP50Ms: latency.percentile(50),
        phoneToPhoneP99Ms: latency.percentile(99),
        lossPercent: received + lost > 0 ? (lost / (received + lost)) * 100 : NaN,
        memoryPerCallMb: (rss - rssBefore) / level / 1024 / 1024,
        rssMb: rss / 1024 / 1024,
        clientCpuPercent: counters.map((c) => Math.round(c.cpuPercent)),
        clientSystemCpuPercent: counters.map((c) => Math.round(c.systemCpuPercent)),
        clientLoopMaxMs: counters.map((c) => Math.round(c.loopMaxMs)),
      };
      results.push(result);
      log(
        `  ${level} calls (${result.callsUp} up): server ${result.serverCpuPercent.toFixed(0)}% of a core, ${result.cpuPerPacketUs.toFixed(1)} µs/packet of which kernel ${result.kernelPerPacketUs.toFixed(1)} ` +
          `(${Math.round(result.relayedPerSecond)} relayed/s, phones got ${Math.round(received / seconds)}/s); setup p50 ${result.setupP50Ms.toFixed(0)} ms p99 ${result.setupP99Ms.toFixed(0)} ms ` +
          `(media p99 ${result.mediaP99Ms.toFixed(0)} ms, ${failed.length} failed); loop stall during setup ${result.setupLoopStallMs.toFixed(1)} ms (media thread ${result.mediaSetupLoopStallMs.toFixed(1)} ms); ` +
          `hop p99 ${result.hopP99Ms.toFixed(2)} ms; phone to phone p50 ${result.phoneToPhoneP50Ms.toFixed(1)} p99 ${result.phoneToPhoneP99Ms.toFixed(1)} ms; ` +
          `loss ${result.lossPercent.toFixed(3)}%; RSS ${result.rssMb.toFixed(0)} MB; phones' CPU ${result.clientCpuPercent.join('/')}% (kernel ${result.clientSystemCpuPercent.join('/')}%), their loop max ${result.clientLoopMaxMs.join('/')} ms`,
      );
    }
    log('hanging up');
    await phones.hangupAll();
    await phones.close();
  } finally {
    await phones.stop();
    await server.stop();
    if (options.serverLogPath) await writeFile(options.serverLogPath, server.output());
  }
  process.stdout.write(`\n${table(results)}\n`);
  if (options.jsonPath) await writeFile(options.jsonPath, JSON.stringify({ setupCpuMs, results }, null, 2));
}

function table(results: LevelResult[]): string {
  const rows = [
    '| concurrent calls | server CPU (% of one core) | CPU per relayed packet (µs) | call setup p50 / p99 (ms) | event-loop stall during setup (ms, max) | hop in the server p99 (ms) | phone → phone p99 (ms) | loss (%) | memory per call (MB RSS) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.calls}${r.callsUp < r.calls ? ` (${r.callsUp} up)` : ''} | ${r.serverCpuPercent.toFixed(0)} | ${r.cpuPerPacketUs.toFixed(1)} | ${r.setupP50Ms.toFixed(0)} / ${r.setupP99Ms.toFixed(0)} | ` +
        `${r.setupLoopStallMs.toFixed(1)} | ${r.hopP99Ms.toFixed(2)} | ${r.phoneToPhoneP99Ms.toFixed(1)} | ${r.lossPercent.toFixed(2)} | ${r.memoryPerCallMb.toFixed(2)} |`,
    );
  }
  return rows.join('\n');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

await main();
process.exit(0);
