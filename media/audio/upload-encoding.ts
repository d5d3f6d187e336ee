// An uploaded file made into what the Player sends: judged and decoded (audio-import.ts), evened
// out in loudness and encoded once to 20 ms Opus frames. On a worker thread, because decoding and
// encoding minutes of audio takes seconds of CPU, and the PBX's own thread keeps the 20 ms clock
// of every prompt and every hold music listener.
import type { LoudnessTarget } from '../dsp/loudness.ts';
import { encodeOpusClip, type OpusClip } from '../codec/opus-clip.ts';
import type { OpusEncoderOptions } from '../codec/opus.ts';
import { AudioFileRejected, type RejectionReason } from './audio-file-rejected.ts';
import { importAudioFile } from './audio-import.ts';
import { runWorkerTask } from '../worker-task.ts';
import { unpackFrames } from '../codec/packed-clip.ts';

export interface UploadEncodingOptions {
  maxSeconds: number;
  loudness: LoudnessTarget;
  opus: OpusEncoderOptions;
}

export interface EncodedUpload {
  clip: OpusClip;
  /** What the file was, e.g. "MP3, 44.1 kHz stereo, 128 kb/s". */
  description: string;
}

/** On this thread: for the worker itself and for tests. */
export async function encodeUploadedAudio(path: string, options: UploadEncodingOptions): Promise<EncodedUpload> {
  const audio = await importAudioFile(path, { maxSeconds: options.maxSeconds });
  return { clip: encodeOpusClip(audio.pcm, { ...options.opus, loudness: options.loudness }), description: audio.description };
}

/** What the worker posts back: the frames end to end in one transferable buffer, or the refusal. */
export type WorkerAnswer =
  | { ok: true; bytes: Uint8Array; lengths: Uint16Array; description: string }
  | { ok: false; rejected?: { reason: RejectionReason; message: string }; error?: string };

/** `encodeUploadedAudio` on a worker thread; throws AudioFileRejected as it would. */
export async function encodeUploadedAudioOffThread(path: string, options: UploadEncodingOptions, timeoutMs = 180_000): Promise<EncodedUpload> {
  const answer = await runWorkerTask<WorkerAnswer>(new URL('./upload-encoding-worker.ts', import.meta.url), { path, options }, { timeoutMs });
  if (answer.ok) return { clip: unpackFrames(answer.bytes, answer.lengths), description: answer.description };
  if (answer.rejected) throw new AudioFileRejected(answer.rejected.reason, answer.rejected.message);
  throw new Error(answer.error ?? 'the upload worker failed');
}
