// Loaded into a server under test (node --expose-gc --import this file): COLLECT_GARBAGE_SIGNAL
// runs a full garbage collection on the main thread and on every worker thread (the media worker
// holds the legs), so a leak test reads the live heap rather than whatever garbage is waiting.
// Test-only: the product has no way to force a collection.
// SIGURG rather than SIGUSR2, which the bench probe (test/bench/server-probe.ts) answers: the load
// test loads both, and a collection on every probe read would be a stall of its own making. Sent
// to a process without this file, SIGURG is ignored.
import { BroadcastChannel } from 'node:worker_threads';
import { injectIntoEvalWorkers } from './inject-into-workers.ts';

export const COLLECT_GARBAGE_SIGNAL = 'SIGURG';

const CHANNEL = 'switchboard-collect-garbage';
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  injectIntoEvalWorkers(
    `{ const c = new (require('node:worker_threads').BroadcastChannel)(${JSON.stringify(CHANNEL)}); c.unref(); c.onmessage = () => globalThis.gc?.(); }`,
  );
  process.on(COLLECT_GARBAGE_SIGNAL, () => {
    collect();
    channel.postMessage('collect');
  });
}
