// Loaded into a server under test (node --expose-gc --import this file): SIGUSR2 runs a full
// garbage collection on the main thread and on every worker thread (the media worker holds the
// legs), so a leak test reads the live heap rather than whatever garbage is waiting.
// Test-only: the product has no way to force a collection.
import { BroadcastChannel } from 'node:worker_threads';
import { injectIntoEvalWorkers } from './inject-into-workers.ts';

const CHANNEL = 'switchboard-collect-garbage';
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  injectIntoEvalWorkers(
    `{ const c = new (require('node:worker_threads').BroadcastChannel)(${JSON.stringify(CHANNEL)}); c.unref(); c.onmessage = () => globalThis.gc?.(); }`,
  );
  process.on('SIGUSR2', () => {
    collect();
    channel.postMessage('collect');
  });
}
