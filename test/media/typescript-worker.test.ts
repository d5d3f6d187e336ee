// Worker threads of the PBX: background ones (MP3s, uploads, renders) run at a lower priority than
// the threads that carry calls, each thread with its own nice value (Linux).
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BACKGROUND_NICE, kernelThreadId } from '../../media/background-thread.ts';
import { startTypeScriptWorker } from '../../media/typescript-worker.ts';

const REPORTER = new URL('./fixtures/report-thread.ts', import.meta.url);

/** A thread's nice value, field 19 of /proc/<pid>/task/<tid>/stat (proc(5)). */
async function niceOf(tid: number): Promise<number> {
  const stat = await readFile(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Starts the reporter, reads its thread's nice value while it waits, then lets it go. */
async function niceOfWorker(priority: 'calls' | 'background'): Promise<number> {
  const worker = startTypeScriptWorker(REPORTER, { priority, workerData: { greeting: 'hello' } });
  try {
    const report = await new Promise<{ tid: number; greeting: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.is(report.greeting, 'hello', 'workerData reaches the entry');
    return await niceOf(report.tid);
  } finally {
    await worker.terminate();
  }
}

test('a background worker runs at nice 10, a call worker and this thread as they were', async () => {
  const own = await niceOf(kernelThreadId()!);
  assert.is(await niceOfWorker('background'), Math.max(own, BACKGROUND_NICE));
  assert.is(await niceOfWorker('calls'), own);
  assert.is(await niceOf(kernelThreadId()!), own, 'the starting thread keeps its priority');
});

test.run();
