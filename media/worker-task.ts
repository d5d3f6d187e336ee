// Runs one module on a fresh worker thread and waits for the one message it posts back: for work
// that takes seconds of CPU (decoding and encoding uploads, rendering a mix) while the PBX's own
// thread keeps its 20 ms clock. The worker loads the TypeScript sources through tsx, as the server
// itself does.
import { Worker } from 'node:worker_threads';

export function runWorkerTask<T>(entry: URL, workerData: unknown, options: { timeoutMs: number; transferList?: ArrayBuffer[] }): Promise<T> {
  return new Promise((resolve, reject) => {
    const tsx = import.meta.resolve('tsx/esm/api');
    // A .ts entry cannot be a worker's first module: tsx's loader is registered in the thread first.
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
    const worker = new Worker(bootstrap, { eval: true, workerData, transferList: options.transferList });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`${entry.pathname} took more than ${options.timeoutMs} ms`))), options.timeoutMs);
    worker.once('message', (answer: T) => finish(() => resolve(answer)));
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`${entry.pathname} exited with code ${code} and no result`))));
  });
}
