// The DTMF keypad's frequency pairs, and the tones they make (in-band sending, test fixtures).
import type { DtmfDigit } from '../dtmf-digit.ts';

export const DTMF_ROW_FREQUENCIES = [697, 770, 852, 941] as const;
export const DTMF_COLUMN_FREQUENCIES = [1209, 1336, 1477, 1633] as const;

/** Keypad layout: KEYPAD[row][column]. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

export function dtmfFrequencies(digit: DtmfDigit): { low: number; high: number } {
  for (let row = 0; row < 4; row++) {
    const column = DTMF_KEYPAD[row]!.indexOf(digit);
    if (column >= 0) return { low: DTMF_ROW_FREQUENCIES[row]!, high: DTMF_COLUMN_FREQUENCIES[column]! };
  }
  throw new RangeError(`not a DTMF digit: ${digit}`);
}

export interface DtmfToneOptions {
  sampleRate?: number;
  /** Amplitude of each of the two sines; the sum peaks at twice this. */
  amplitude?: number;
  /** Level of the high tone relative to the low one, in dB (telephone lines call this twist). */
  twistDb?: number;
}

export function dtmfTone(digit: DtmfDigit, milliseconds: number, options: DtmfToneOptions = {}): Float32Array {
  const sampleRate = options.sampleRate ?? 48000;
  const amplitude = options.amplitude ?? 0.25;
  const highAmplitude = amplitude * 10 ** ((options.twistDb ?? 0) / 20);
  const { low, high } = dtmfFrequencies(digit);
  const samples = new Float32Array(Math.round((milliseconds / 1000) * sampleRate));
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    samples[i] = amplitude * Math.sin(2 * Math.PI * low * t) + highAmplitude * Math.sin(2 * Math.PI * high * t);
  }
  return samples;
}
