// Worker threads running the project's TypeScript sources, loaded through tsx as the server itself
// is. A .ts entry cannot be a worker's first module: an eval'd bootstrap registers tsx's loader in
// the new thread, then imports the entry. Background workers (MP3s, uploads, renders) lower their
// thread's priority first (media/background-thread.ts), so that calls come before them.
import { Worker } from 'node:worker_threads';

export interface TypeScriptWorkerOptions {
  workerData?: unknown;
  transferList?: ArrayBuffer[];
  /** Shown in inspectors and thread lists. */
  name?: string;
  /** 'background': the thread yields to the threads that carry calls. Default 'calls'. */
  priority?: 'calls' | 'background';
}

export function startTypeScriptWorker(entry: URL, options: TypeScriptWorkerOptions = {}): Worker {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const background = JSON.stringify(new URL('./background-thread.ts', import.meta.url).href);
  const main = JSON.stringify(entry.href);
  const bootstrap =
    options.priority === 'background'
      ? `import(${tsx}).then(({ register }) => { register(); return import(${background}); })` +
        `.then(({ runAsBackgroundThread }) => { runAsBackgroundThread(); return import(${main}); });`
      : `import(${tsx}).then(({ register }) => { register(); return import(${main}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options.workerData, transferList: options.transferList, name: options.name });
}
