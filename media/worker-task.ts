// Runs one module on a fresh worker thread, at background priority, and waits for the one message
// it posts back: for work that takes seconds of CPU (decoding and encoding uploads, rendering a
// mix, an MP3 from a recording) while the PBX's own thread keeps its 20 ms clock.
import { startTypeScriptWorker } from './typescript-worker.ts';

export function runWorkerTask<T>(entry: URL, workerData: unknown, options: { timeoutMs: number; transferList?: ArrayBuffer[] }): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = startTypeScriptWorker(entry, { workerData, transferList: options.transferList, priority: 'background' });
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
