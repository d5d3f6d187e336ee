// Recognising test tones in decoded audio, and producing them as paced Opus frames.
import { Decoder, Encoder } from '@evan/opus';

/** Power of one frequency in the samples (Goertzel), normalised by length. */
export function tonePower(samples: ArrayLike<number>, sampleRate: number, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < samples.length; i++) {
    const current = samples[i]! + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return power / (samples.length * samples.length);
}

/** The strongest frequency between minHz and maxHz, scanned in steps of stepHz. */
export function dominantFrequency(samples: ArrayLike<number>, sampleRate: number, minHz = 100, maxHz = 4000, stepHz = 5): number {
  let best = minHz;
  let bestPower = -1;
  for (let hz = minHz; hz <= maxHz; hz += stepHz) {
    const power = tonePower(samples, sampleRate, hz);
    if (power > bestPower) {
      bestPower = power;
      best = hz;
    }
  }
  return best;
}

/** Decodes Opus packets (48 kHz) to one mono Float32Array in [-1, 1]. */
export function decodeOpus(packets: Uint8Array[]): Float32Array {
  const decoder = new Decoder({ channels: 1, sample_rate: 48000 });
  const chunks: Int16Array[] = [];
  for (const packet of packets) {
    const bytes = decoder.decode(packet);
    chunks.push(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const samples = new Float32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) samples[offset + i] = chunk[i]! / 32768;
    offset += chunk.length;
  }
  return samples;
}

/** `count` consecutive 20 ms Opus frames (48 kHz mono) of a sine tone. */
export function opusToneFrames(frequencyHz: number, count: number, amplitude = 0.5): Uint8Array[] {
  const encoder = new Encoder({ channels: 1, sample_rate: 48000, application: 'audio' });
  const frames: Uint8Array[] = [];
  const pcm = new Int16Array(960);
  for (let frame = 0; frame < count; frame++) {
    for (let i = 0; i < pcm.length; i++) {
      const n = frame * pcm.length + i;
      pcm[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequencyHz * n) / 48000));
    }
    frames.push(encoder.encode(pcm));
  }
  return frames;
}

/**
 * Calls `send(i)` every `intervalMs`, drift-corrected (the n-th call is due n intervals after
 * the start), `count` times. Resolves when done; `stop()` ends it early.
 */
export function paced(count: number, intervalMs: number, send: (index: number) => void): { done: Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  let index = 0;
  const tick = () => {
    if (stopped) return finish();
    send(index++);
    if (index >= count) return finish();
    timer = setTimeout(tick, Math.max(0, started + index * intervalMs - performance.now()));
  };
  tick();
  return {
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
  };
}
