// Test instrumentation for worker threads: Node runs `--import` preloads on the main thread only,
// so a preload that must also watch a worker (the media worker's heap, its relays) puts a snippet
// of plain JavaScript (CommonJS: `require` is there) at the start of every eval'd worker started
// after it. The product is unchanged; this only wraps worker_threads.Worker in the test's server.
import { createRequire, syncBuiltinESMExports } from 'node:module';

export function injectIntoEvalWorkers(snippet: string): void {
  const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const Original = workerThreads.Worker;
  class Injected extends Original {
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(options?.eval && typeof filename === 'string' ? `${snippet}\n${filename}` : filename, options);
    }
  }
  workerThreads.Worker = Injected;
  // `import { Worker } from 'node:worker_threads'` in modules loaded later sees the wrapper too.
  syncBuiltinESMExports();
}
