// Waiting music with a message over it: the music plays on, the message starts the loop and comes
// back after every `gap` of music, and under the voice the music is ducked (lowered, with short
// ramps either side) so that the words stay clear. Rendered once into one loop that a Player then
// sends to every waiting caller: no mixing per call.

export interface DuckedMixOptions {
  /** Samples of music alone between the end of the message and its next start. */
  gapSamples: number;
  sampleRate: number;
  /** Gain of the music under the voice, in dB (negative). */
  duckDb?: number;
  /** Ramp down before the voice starts, and back up after it ends, in seconds. */
  attackSeconds?: number;
  releaseSeconds?: number;
}

/**
 * One loop: as many message-then-music cycles as it takes to hear the whole music once. The music
 * runs on across cycles (wrapping round its end) and jumps back to its start only where the loop
 * starts again, under the ducked voice, where the jump is hardly heard.
 */
export function renderDuckedLoop(music: Float32Array, voice: Float32Array, options: DuckedMixOptions): Float32Array {
  if (music.length === 0) throw new RangeError('renderDuckedLoop: no music');
  const { gapSamples, sampleRate, duckDb = -16, attackSeconds = 0.3, releaseSeconds = 0.6 } = options;
  const cycle = voice.length + gapSamples;
  const cycles = Math.max(1, Math.ceil(music.length / cycle));
  const out = new Float32Array(cycles * cycle);
  const gain = musicGainOverCycle(cycle, voice.length, {
    duck: 10 ** (duckDb / 20),
    attack: Math.round(attackSeconds * sampleRate),
    release: Math.round(releaseSeconds * sampleRate),
  });
  for (let i = 0; i < out.length; i++) {
    const inCycle = i % cycle;
    const sample = music[i % music.length]! * gain[inCycle]! + (inCycle < voice.length ? voice[inCycle]! : 0);
    out[i] = sample > 1 ? 1 : sample < -1 ? -1 : sample;
  }
  return out;
}

/** The music's gain at each sample of one cycle (the voice at [0, voiceLength)), wrapping round. */
function musicGainOverCycle(cycle: number, voiceLength: number, shape: { duck: number; attack: number; release: number }): Float32Array {
  const gain = new Float32Array(cycle);
  const { duck, attack, release } = shape;
  for (let p = 0; p < cycle; p++) {
    if (p < voiceLength) {
      gain[p] = duck;
      continue;
    }
    // Back up after the voice, and down again before the next start; the lower one wins when they meet.
    const afterEnd = release > 0 ? Math.min(1, (p - voiceLength) / release) : 1;
    const beforeStart = attack > 0 ? Math.min(1, (cycle - p) / attack) : 1;
    gain[p] = duck + (1 - duck) * Math.min(afterEnd, beforeStart);
  }
  return gain;
}
