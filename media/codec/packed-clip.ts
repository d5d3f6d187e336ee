// A clip's frames end to end in one buffer plus their lengths: how clips cross to and from worker
// threads in two transferable buffers instead of thousands of small ones.
import type { OpusClip } from './opus-clip.ts';
import { OPUS_FRAME_MS } from './opus.ts';

export interface PackedClip {
  bytes: Uint8Array;
  lengths: Uint16Array;
}

export function packFrames(clip: OpusClip): PackedClip {
  const lengths = Uint16Array.from(clip.frames, (f) => f.length);
  const bytes = new Uint8Array(lengths.reduce((n, l) => n + l, 0));
  let offset = 0;
  for (const frame of clip.frames) {
    bytes.set(frame, offset);
    offset += frame.length;
  }
  return { bytes, lengths };
}

export function unpackFrames(bytes: Uint8Array, lengths: Uint16Array): OpusClip {
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    frames.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return { frames, durationMs: frames.length * OPUS_FRAME_MS };
}
