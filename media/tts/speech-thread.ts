// Text to speech on a worker thread of its own: a long text takes seconds of eSpeak, which must
// not hold the PBX's thread (signaling, the player's 20 ms clock). The thread
// starts on the first job (tsx compiles it and eSpeak loads: ~0.5 s, 30 MB), then stays for the
// next ones; a thread that dies fails its jobs and the next job starts a new one.
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../typescript-worker.ts';
import type { TextSpeechRequest } from './text-speech.ts';

export interface SpeechThreadRequest {
  id: number;
  job: TextSpeechRequest;
}

export type SpeechThreadReply =
  | { ready: true; id?: undefined }
  | { id: number; progress: number }
  | { id: number; pcm: Float32Array }
  | { id: number; error: string };

interface PendingJob {
  resolve(pcm: Float32Array): void;
  reject(error: Error): void;
  onProgress?: (fraction: number) => void;
  timer: NodeJS.Timeout;
}

export class SpeechThread {
  #worker: Worker | null = null;
  readonly #jobs = new Map<number, PendingJob>();
  #nextId = 1;
  #closed = false;

  constructor(private readonly options: { timeoutMs?: number } = {}) {}

  /** Speaks the text as 48 kHz mono PCM; `onProgress` gets the fraction done (0-1) as sentences are spoken. */
  speak(job: TextSpeechRequest, onProgress?: (fraction: number) => void): Promise<Float32Array> {
    if (this.#closed) return Promise.reject(new Error('SpeechThread is closed'));
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 120_000;
      const timer = setTimeout(() => this.#fail(id, new Error(`speaking took more than ${timeoutMs} ms`)), timeoutMs);
      this.#jobs.set(id, { resolve, reject, onProgress, timer });
      worker.postMessage({ id, job } satisfies SpeechThreadRequest);
    });
  }

  /** Jobs waiting or in progress. */
  get pending(): number {
    return this.#jobs.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const id of [...this.#jobs.keys()]) this.#fail(id, new Error('SpeechThread closed'));
    const worker = this.#worker;
    this.#worker = null;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  /** Starts the thread now (it takes a moment), so the first job does not wait for it. */
  start(): void {
    if (!this.#closed) this.#start();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startTypeScriptWorker(new URL('./speech-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (reply: SpeechThreadReply) => this.#onReply(reply));
    const died = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      for (const id of [...this.#jobs.keys()]) this.#fail(id, error);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the speech thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #onReply(reply: SpeechThreadReply): void {
    if (reply.id === undefined) return;
    const job = this.#jobs.get(reply.id);
    if (!job) return;
    if ('progress' in reply) {
      job.onProgress?.(reply.progress);
      return;
    }
    this.#jobs.delete(reply.id);
    clearTimeout(job.timer);
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve(reply.pcm);
  }

  #fail(id: number, error: Error): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    this.#jobs.delete(id);
    clearTimeout(job.timer);
    job.reject(error);
  }
}
