// The loop a waiting caller hears when an incoming number repeats a message over its music: both
// clips decoded, evened out (music at the hold music's level, the voice at the prompts'), mixed
// with the music ducked under the voice, and encoded once. On a worker thread: minutes of music
// take seconds to decode and encode, and Apply changes must not stall the calls in progress.
import { decodeOpusClip, encodeOpusClip, type OpusClip } from '../codec/opus-clip.ts';
import { OPUS_SAMPLE_RATE } from '../codec/opus.ts';
import { packFrames, unpackFrames, type PackedClip } from '../codec/packed-clip.ts';
import { renderDuckedLoop } from '../dsp/ducked-mix.ts';
import { normalizeLoudness } from '../dsp/loudness.ts';
import { runWorkerTask } from '../worker-task.ts';

/** Hold music and prompts are evened out to these levels; the mix keeps them. */
export const MUSIC_LOUDNESS = { mode: 'rms', targetDbfs: -24 } as const;
export const VOICE_LOUDNESS = { mode: 'rms', targetDbfs: -20 } as const;

export function renderWaitingLoop(music: OpusClip, message: OpusClip, repeatAfterSeconds: number): OpusClip {
  const mixed = renderDuckedLoop(normalizeLoudness(decodeOpusClip(music), MUSIC_LOUDNESS), normalizeLoudness(decodeOpusClip(message), VOICE_LOUDNESS), {
    gapSamples: repeatAfterSeconds * OPUS_SAMPLE_RATE,
    sampleRate: OPUS_SAMPLE_RATE,
  });
  return encodeOpusClip(mixed, { application: 'audio' });
}

export interface WaitingLoopTask {
  music: PackedClip;
  message: PackedClip;
  repeatAfterSeconds: number;
}

export async function renderWaitingLoopOffThread(music: OpusClip, message: OpusClip, repeatAfterSeconds: number): Promise<OpusClip> {
  const task: WaitingLoopTask = { music: packFrames(music), message: packFrames(message), repeatAfterSeconds };
  const packed = await runWorkerTask<PackedClip>(new URL('./waiting-loop-worker.ts', import.meta.url), task, {
    timeoutMs: 120_000,
    transferList: [task.music.bytes.buffer, task.music.lengths.buffer, task.message.bytes.buffer, task.message.lengths.buffer] as ArrayBuffer[],
  });
  return unpackFrames(packed.bytes, packed.lengths);
}
