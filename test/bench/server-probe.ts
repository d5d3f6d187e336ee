// Loaded into the server by the bench and the load test (node --import tsx --import ./test/bench/server-probe.ts
// server/main.ts), so that any checkout can be measured the same way without code in the product.
// It watches from the outside, on the main thread and on every worker thread (the media worker,
// where the legs live when the server has one):
// - the event loop's delay (monitorEventLoopDelay, 1 ms resolution): how long each loop stalls;
// - the longest stalls, when each happened and how much of it was garbage collection on that thread
//   (a 10 ms timer's lateness, and the `gc` performance entries), and the longest collection;
// - each relayed RTP packet's time inside the server: from the UDP socket's `message` event to the
//   `send` it causes. The server relays synchronously from socket to socket (werift's path and the
//   RtpChannel path alike), so an RTP send made while an RTP datagram is being dispatched is its
//   relay. Waiting in the socket buffer before the event is not seen: the loop delay bounds it.
//   One datagram in 8 is timed, to weigh little on what is measured.
// On SIGUSR2 it writes one line `BENCH-PROBE {json}` to stdout and starts over: `eventLoop` (the
// main thread's), `relay` (the relaying thread's) and `threads` (each thread's own figures).
// SIGWINCH pauses and resumes the loop monitors.
import { createRequire } from 'node:module';
import { BroadcastChannel } from 'node:worker_threads';
import { injectIntoEvalWorkers } from '../support/inject-into-workers.ts';

export interface ThreadReport {
  thread: string;
  eventLoop: { maxMs: number; p99Ms: number; meanMs: number };
  /** The 10 longest stalls over 25 ms: when each ended (wall clock, ms), how long, how much of it was garbage collection. */
  longStalls: { endedAt: number; ms: number; gcMs: number }[];
  /** The longest garbage collection on this thread. */
  gcMaxMs: number;
  relay: { timed: number; p50Ms: number; p99Ms: number; maxMs: number };
}

const CHANNEL = 'switchboard-bench-probe';

/**
 * The probe of one thread, self-contained (it is also sent as source text to worker threads):
 * answers `report` on the channel with its figures and starts over.
 */
function probeThisThread(channelName: string, threadName: string, req: NodeJS.Require): { report(): ThreadReport; watchLoop(on: boolean): void } {
  const dgram = req('node:dgram');
  const { createHistogram, monitorEventLoopDelay, PerformanceObserver } = req('node:perf_hooks');
  const { BroadcastChannel: Channel } = req('node:worker_threads');
  const SAMPLE_EVERY = 8;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  // When the long stalls happen, and how much of each was garbage collection on this thread, to
  // set beside the server's log and the machine's load.
  const LONG_STALL_MS = 25;
  const TICK_MS = 10;
  const KEPT = 1000;
  let stallSpans: { start: number; end: number }[] = [];
  let gcs: { start: number; ms: number }[] = [];
  let gcMaxMs = 0;
  let lastTick = performance.now();
  let watching = true;
  setInterval(() => {
    const now = performance.now();
    if (watching && now - lastTick - TICK_MS > LONG_STALL_MS && stallSpans.length < KEPT) stallSpans.push({ start: lastTick, end: now });
    lastTick = now;
  }, TICK_MS).unref();
  new PerformanceObserver((list: { getEntries(): { startTime: number; duration: number }[] }) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      if (gcs.length < 50 * KEPT) gcs.push({ start: entry.startTime, ms: entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });
  /** The 10 longest stalls, each with the collections that started within it. */
  const longStalls = () =>
    stallSpans
      .map(({ start, end }) => ({
        endedAt: Math.round(performance.timeOrigin + end),
        ms: Math.round(end - start - TICK_MS),
        gcMs: Math.round(gcs.filter((gc) => gc.start >= start && gc.start < end).reduce((sum, gc) => sum + gc.ms, 0)),
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
  const relayNs = createHistogram();
  let timed = 0;
  let datagrams = 0;
  let dispatchStartedAt: number | undefined;
  const isRtp = (data: any): boolean => {
    if (!Buffer.isBuffer(data) || data.length <= 12) return false;
    const payloadType = data[1]! & 0x7f;
    return data[0]! >= 128 && data[0]! <= 191 && (payloadType < 64 || payloadType > 95);
  };
  const proto = dgram.Socket.prototype;
  const originalEmit = proto.emit;
  const originalSend = proto.send;
  proto.emit = function (this: unknown, event: unknown, data?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    if (event !== 'message' || ++datagrams % SAMPLE_EVERY !== 0 || !isRtp(data)) return originalEmit.apply(this, arguments);
    const outer = dispatchStartedAt;
    dispatchStartedAt = performance.now();
    try {
      // eslint-disable-next-line prefer-rest-params
      return originalEmit.apply(this, arguments);
    } finally {
      dispatchStartedAt = outer;
    }
  };
  proto.send = function (this: unknown, data?: unknown) {
    if (dispatchStartedAt !== undefined && isRtp(data)) {
      timed++;
      relayNs.record(Math.max(1, Math.round((performance.now() - dispatchStartedAt) * 1e6)));
    }
    // eslint-disable-next-line prefer-rest-params
    return originalSend.apply(this, arguments);
  };
  const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
  const report = (): ThreadReport => {
    const figures = {
      thread: threadName,
      eventLoop: { maxMs: ms(loopDelay.max), p99Ms: ms(loopDelay.percentile(99)), meanMs: ms(loopDelay.mean) },
      longStalls: longStalls(),
      gcMaxMs: Math.round(gcMaxMs * 10) / 10,
      relay: {
        timed,
        p50Ms: timed ? ms(relayNs.percentile(50)) : 0,
        p99Ms: timed ? ms(relayNs.percentile(99)) : 0,
        maxMs: timed ? ms(relayNs.max) : 0,
      },
    };
    loopDelay.reset();
    relayNs.reset();
    timed = 0;
    stallSpans = [];
    gcs = [];
    gcMaxMs = 0;
    return figures;
  };
  if (threadName !== 'main') {
    const channel = new Channel(channelName);
    channel.unref();
    channel.onmessage = (event: { data: unknown }) => {
      if (event.data === 'report') channel.postMessage(report());
      else if (event.data === 'loop-on') watchLoop(true);
      else if (event.data === 'loop-off') watchLoop(false);
    };
  }
  function watchLoop(on: boolean): void {
    watching = on;
    if (on) loopDelay.enable();
    else loopDelay.disable();
  }
  return { report, watchLoop };
}

const main = probeThisThread(CHANNEL, 'main', createRequire(import.meta.url));
// Its source as tsx compiled it, with the one helper that compiler refers to (function names).
injectIntoEvalWorkers(
  `{ const __name = (target) => target; (${probeThisThread.toString()})(${JSON.stringify(CHANNEL)}, 'worker ' + require('node:worker_threads').threadId, require); }`,
);

const channel = new BroadcastChannel(CHANNEL);
channel.unref();
let reports = 0;
let collecting: ThreadReport[] | undefined;
channel.onmessage = (event) => collecting?.push((event as unknown as { data: ThreadReport }).data);

// SIGWINCH turns the loop monitors off and on (every thread): their 1 ms timers cost a few % of a
// core, which the bench keeps out of its CPU windows.
let watching = true;
process.on('SIGWINCH', () => {
  watching = !watching;
  main.watchLoop(watching);
  channel.postMessage(watching ? 'loop-on' : 'loop-off');
});

process.on('SIGUSR2', () => {
  collecting = [];
  channel.postMessage('report');
  const own = main.report();
  // Worker threads answer through the channel; a moment is plenty.
  setTimeout(() => {
    const threads = [own, ...(collecting ?? [])];
    collecting = undefined;
    // Top level: the main thread's loop and the busiest relaying thread's hop; then every thread.
    const relaying = threads.reduce((best, t) => (t.relay.timed > best.relay.timed ? t : best), own);
    process.stdout.write(`BENCH-PROBE ${JSON.stringify({ id: ++reports, eventLoop: own.eventLoop, relay: relaying.relay, threads })}\n`);
  }, 250);
});
