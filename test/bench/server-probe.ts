// Loaded into the server by the bench (node --import tsx --import ./test/bench/server-probe.ts
// server/main.ts), so that any checkout can be measured the same way without code in the product.
// It watches from the outside:
// - the event loop's delay (monitorEventLoopDelay, 1 ms resolution): how long the loop stalls;
// - each relayed RTP packet's time inside the server: from the UDP socket's `message` event to the
//   `send` it causes. The server relays synchronously from socket to socket (werift's path and the
//   RtpChannel path alike), so an RTP send made while an RTP datagram is being dispatched is its
//   relay. Waiting in the socket buffer before the event is not seen: the loop delay bounds it.
// On SIGUSR2 it writes one line `BENCH-PROBE {json}` to stdout and starts over.
import dgram from 'node:dgram';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const relayNs = createHistogram();
let relayed = 0;
let reports = 0;
let dispatchStartedAt: number | undefined;

const isRtp = (data: unknown): boolean => {
  if (!Buffer.isBuffer(data) || data.length <= 12) return false;
  const first = data[0]!;
  const payloadType = data[1]! & 0x7f;
  return first >= 128 && first <= 191 && (payloadType < 64 || payloadType > 95);
};

// Light enough not to weigh on what is measured: one RTP datagram in SAMPLE_EVERY is timed.
const SAMPLE_EVERY = 8;
let datagrams = 0;
const proto = dgram.Socket.prototype as unknown as { emit: (...args: unknown[]) => boolean; send: (...args: unknown[]) => void };
const originalEmit = proto.emit;
const originalSend = proto.send;
proto.emit = function (this: unknown, event: unknown, data?: unknown) {
  // eslint-disable-next-line prefer-rest-params
  if (event !== 'message' || ++datagrams % SAMPLE_EVERY !== 0 || !isRtp(data)) return originalEmit.apply(this, arguments as unknown as unknown[]);
  const outer = dispatchStartedAt;
  dispatchStartedAt = performance.now();
  try {
    // eslint-disable-next-line prefer-rest-params
    return originalEmit.apply(this, arguments as unknown as unknown[]);
  } finally {
    dispatchStartedAt = outer;
  }
};
proto.send = function (this: unknown, data?: unknown) {
  if (dispatchStartedAt !== undefined && isRtp(data)) {
    relayed++;
    relayNs.record(Math.max(1, Math.round((performance.now() - dispatchStartedAt) * 1e6)));
  }
  // eslint-disable-next-line prefer-rest-params
  return originalSend.apply(this, arguments as unknown as unknown[]);
};

const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;

process.on('SIGUSR2', () => {
  const report = {
    id: ++reports,
    eventLoop: { maxMs: ms(loopDelay.max), p99Ms: ms(loopDelay.percentile(99)), meanMs: ms(loopDelay.mean) },
    relay: {
      /** Relayed packets timed (one in SAMPLE_EVERY). */
      timed: relayed,
      p50Ms: relayed ? ms(relayNs.percentile(50)) : 0,
      p99Ms: relayed ? ms(relayNs.percentile(99)) : 0,
      maxMs: relayed ? ms(relayNs.max) : 0,
    },
  };
  loopDelay.reset();
  relayNs.reset();
  relayed = 0;
  process.stdout.write(`BENCH-PROBE ${JSON.stringify(report)}\n`);
});
