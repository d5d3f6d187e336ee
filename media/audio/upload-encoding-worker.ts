// The body of the worker thread that `encodeUploadedAudioOffThread` starts: one file, then it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { AudioFileRejected } from './audio-file-rejected.ts';
import { packFrames } from '../codec/packed-clip.ts';
import { encodeUploadedAudio, type UploadEncodingOptions, type WorkerAnswer } from './upload-encoding.ts';

const { path, options } = workerData as { path: string; options: UploadEncodingOptions };
let answer: WorkerAnswer;
try {
  const encoded = await encodeUploadedAudio(path, options);
  answer = { ok: true, ...packFrames(encoded.clip), description: encoded.description };
} catch (error) {
  answer =
    error instanceof AudioFileRejected
      ? { ok: false, rejected: { reason: error.reason, message: error.message } }
      : { ok: false, error: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(answer, answer.ok ? [answer.bytes.buffer as ArrayBuffer, answer.lengths.buffer as ArrayBuffer] : []);
