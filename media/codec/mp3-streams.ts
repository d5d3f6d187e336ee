// MP3s made while recordings are made (see Mp3Stream), on one worker thread shared by all of them.
// Whoever records opens a stream under a name (a recording's file path) and pushes 16-bit samples
// at the MP3's rate as they come; whoever needs the MP3 afterwards finishes it by the same name and
// gets the file, or undefined when there is no such stream or it cannot end where asked (then the
// MP3 is made from the recording itself, as after a restart).
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../typescript-worker.ts';
import { MP3_DEFAULTS } from './mp3-encoder.ts';

export type Mp3StreamRequest =
  | { type: 'append'; id: number; samples: Int16Array; safeEnd: number }
  | { type: 'finish'; id: number; endSample: number }
  | { type: 'abandon'; id: number };

export type Mp3StreamReply =
  | { type: 'started'; tid: number | undefined }
  | { type: 'finished'; id: number; mp3: Uint8Array }
  | { type: 'failed'; id: number; error: string };

export interface Mp3StreamsOptions {
  /**
   * Audio left to encode when a stream is finished, at most (besides what was held back from the
   * end for trimming). LAME's JavaScript takes ~20 ms a second of audio: 3 s is ~60 ms of work at
   * the end; everything before it is encoded while the recording goes on. A longer backlog saves
   * nothing (every message longer than it is encoded all the same), it only leaves more for the end.
   */
  backlogSeconds?: number;
  /** An ended stream nobody finishes (the message was discarded) is dropped after this. */
  unclaimedMs?: number;
  /** A finish not answered within this time gives undefined (the MP3 then comes from the recording). */
  finishTimeoutMs?: number;
  /** Told when the worker fails (the MP3s then come from the recordings). */
  onError?: (error: unknown) => void;
  /** Told when the worker has started: its thread ids (tid: the kernel's, on Linux; for top -H, /proc). */
  onStart?: (thread: { threadId: number; tid: number | undefined }) => void;
}

/** Samples sent to the worker at a time: half a second at 24 kHz. */
const BATCH_SAMPLES = 12_000;

/** Where a recording pushes its sound. */
export interface Mp3StreamInput {
  readonly sampleRate: number;
  /**
   * Appends samples that follow the last ones. `safeEndMs` (a time in the stream) says that
   * nothing before it will be cut from the end: what lies past it is held back from the encoder.
   */
  push(samples: Int16Array, safeEndMs: number): void;
  /** No more samples: the stream waits to be finished (or is dropped if nobody does). */
  end(): void;
}

interface OpenStream {
  id: number;
  /** Leading samples still to drop (see open). */
  toSkip: number;
  skipped: number;
  batch: Int16Array;
  filled: number;
  safeEnd: number;
  failed: boolean;
  unclaimed: NodeJS.Timeout | undefined;
}

export class Mp3Streams {
  readonly sampleRate = MP3_DEFAULTS.sampleRate;
  readonly #backlogSamples: number;
  readonly #unclaimedMs: number;
  readonly #finishTimeoutMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #onStart: (thread: { threadId: number; tid: number | undefined }) => void;
  readonly #streams = new Map<string, OpenStream>();
  readonly #finishing = new Map<number, (mp3: Uint8Array | undefined) => void>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: Mp3StreamsOptions = {}) {
    this.#backlogSamples = Math.round((options.backlogSeconds ?? 3) * this.sampleRate);
    this.#unclaimedMs = options.unclaimedMs ?? 300_000;
    this.#finishTimeoutMs = options.finishTimeoutMs ?? 120_000;
    this.#onError = options.onError ?? (() => undefined);
    this.#onStart = options.onStart ?? (() => undefined);
  }

  /**
   * A new stream under this name (a name in use is replaced: its stream is dropped). Its time
   * starts at the first sample pushed; the first `skipSamples` are not in the MP3 (an Ogg Opus
   * stream's pre-skip), so that times given to push and finish stay those of the source.
   */
  open(name: string, options: { skipSamples?: number } = {}): Mp3StreamInput {
    this.#drop(name);
    const skip = options.skipSamples ?? 0;
    const stream: OpenStream = { id: this.#nextId++, toSkip: skip, skipped: skip, batch: new Int16Array(BATCH_SAMPLES), filled: 0, safeEnd: 0, failed: this.#closed, unclaimed: undefined };
    this.#streams.set(name, stream);
    return {
      sampleRate: this.sampleRate,
      push: (samples, safeEndMs) => {
        if (stream.failed || stream.unclaimed) return;
        if (stream.toSkip > 0) {
          const dropped = Math.min(stream.toSkip, samples.length);
          samples = samples.subarray(dropped);
          stream.toSkip -= dropped;
        }
        stream.safeEnd = this.#sampleAt(stream, safeEndMs);
        let offset = 0;
        while (offset < samples.length) {
          const take = Math.min(samples.length - offset, BATCH_SAMPLES - stream.filled);
          stream.batch.set(samples.subarray(offset, offset + take), stream.filled);
          stream.filled += take;
          offset += take;
          if (stream.filled === BATCH_SAMPLES) this.#send(stream);
        }
      },
      end: () => {
        if (stream.unclaimed || this.#streams.get(name) !== stream) return;
        stream.unclaimed = setTimeout(() => this.#drop(name), this.#unclaimedMs);
        stream.unclaimed.unref();
      },
    };
  }

  /** The MP3 of the stream of this name, ended at `endMs` of its time; undefined if it cannot be. */
  finish(name: string, endMs: number): Promise<Uint8Array | undefined> {
    const stream = this.#streams.get(name);
    if (!stream) return Promise.resolve(undefined);
    this.#streams.delete(name);
    clearTimeout(stream.unclaimed);
    if (stream.failed) return Promise.resolve(undefined);
    this.#send(stream);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#answer(stream.id, undefined), this.#finishTimeoutMs);
      timer.unref();
      this.#finishing.set(stream.id, (mp3) => {
        clearTimeout(timer);
        resolve(mp3);
      });
      this.#post({ type: 'finish', id: stream.id, endSample: this.#sampleAt(stream, endMs) });
    });
  }

  /** Stops the worker; streams not finished are lost (their MP3s come from the recordings). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const name of [...this.#streams.keys()]) this.#drop(name);
    this.#failAll();
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  /** A time of the stream's source as an index into the MP3's samples. */
  #sampleAt(stream: OpenStream, ms: number): number {
    return Math.max(0, Math.round((ms * this.sampleRate) / 1000) - stream.skipped);
  }

  #send(stream: OpenStream): void {
    if (stream.filled === 0 || stream.failed) return;
    const samples = stream.batch.slice(0, stream.filled);
    stream.filled = 0;
    this.#post({ type: 'append', id: stream.id, samples, safeEnd: stream.safeEnd }, [samples.buffer as ArrayBuffer]);
  }

  #drop(name: string): void {
    const stream = this.#streams.get(name);
    if (!stream) return;
    this.#streams.delete(name);
    clearTimeout(stream.unclaimed);
    stream.failed = true;
    if (this.#worker) this.#post({ type: 'abandon', id: stream.id });
  }

  #post(request: Mp3StreamRequest, transfer: ArrayBuffer[] = []): void {
    if (this.#closed) return;
    this.#workerThread().postMessage(request, transfer);
  }

  #workerThread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startTypeScriptWorker(new URL('./mp3-stream-worker.ts', import.meta.url), {
      workerData: { backlogSamples: this.#backlogSamples, sampleRate: this.sampleRate, bitrateKbps: MP3_DEFAULTS.bitrateKbps },
      priority: 'background',
    });
    worker.unref();
    worker.on('message', (reply: Mp3StreamReply) => {
      if (reply.type === 'started') return this.#onStart({ threadId: worker.threadId, tid: reply.tid });
      this.#answer(reply.id, reply.type === 'finished' ? new Uint8Array(reply.mp3) : undefined);
    });
    const lost = (error: unknown) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#onError(error);
      // What that worker held is gone: those streams fall back to their recordings.
      for (const stream of this.#streams.values()) stream.failed = true;
      this.#failAll();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the MP3 stream worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #answer(id: number, mp3: Uint8Array | undefined): void {
    const resolve = this.#finishing.get(id);
    this.#finishing.delete(id);
    resolve?.(mp3);
  }

  #failAll(): void {
    for (const resolve of this.#finishing.values()) resolve(undefined);
    this.#finishing.clear();
  }
}
