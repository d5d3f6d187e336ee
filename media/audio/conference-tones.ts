// The sounds a conference room makes when someone comes in or goes out: two short notes, rising for
// a join, falling for a leave, generated here so nothing with a licence is shipped.

export type ConferenceTone = 'join' | 'leave';

const NOTES: Record<ConferenceTone, [number, number]> = {
  join: [587.33, 783.99],
  leave: [783.99, 587.33],
};
const NOTE_SECONDS = 0.12;
const AMPLITUDE = 0.2;

/** 48 kHz (or `sampleRate`) mono, about a quarter of a second, with ramps so it does not click. */
export function conferenceTone(tone: ConferenceTone, sampleRate: number): Float32Array {
  const noteLength = Math.round(NOTE_SECONDS * sampleRate);
  const ramp = Math.round(0.008 * sampleRate);
  const samples = new Float32Array(2 * noteLength);
  NOTES[tone].forEach((frequency, note) => {
    for (let i = 0; i < noteLength; i++) {
      const envelope = Math.min(1, i / ramp, (noteLength - i) / ramp);
      samples[note * noteLength + i] = AMPLITUDE * envelope * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    }
  });
  return samples;
}
