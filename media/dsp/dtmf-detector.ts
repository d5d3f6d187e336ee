// In-band DTMF detection for callers whose keypad arrives as audio rather than RFC 4733 events.
// Goertzel filters on blocks of 12.75 ms: neighbouring DTMF frequencies then fall near each
// other's first spectral null, and a 40 ms tone or pause (ITU-T Q.24 minimum) always spans at
// least two whole blocks, so a digit is confirmed by two blocks in a row, as spandsp does.
import type { DtmfDigit } from '../dtmf-digit.ts';
import { DTMF_COLUMN_FREQUENCIES, DTMF_KEYPAD, DTMF_ROW_FREQUENCIES } from './dtmf-tone.ts';
import { goertzelPower, meanPower } from './goertzel.ts';

export interface DtmfDetectorOptions {
  sampleRate?: number;
  /** Quietest tone (each of the pair) to accept, in dB relative to a full-scale sine. */
  minToneLevelDb?: number;
  /** How much weaker the high tone may be than the low one (lines lose highs), in dB. */
  maxTwistDb?: number;
  /** How much stronger the high tone may be than the low one, in dB. */
  maxReverseTwistDb?: number;
  /** How far the strongest row (column) must stand above the other rows (columns), in dB. */
  minRelativePeakDb?: number;
  /** Share of the block's power the two tones must carry; rejects speech, music and noise. */
  minToneShare?: number;
}

export interface DetectedDtmfDigit {
  digit: DtmfDigit;
  /** When the tone began, in ms since the detector's first sample. */
  atMs: number;
}

const BLOCK_SECONDS = 0.01275;

/** Feed PCM in frames of any size; each digit comes out once, however long the key is held. */
export class DtmfDetector {
  readonly sampleRate: number;
  private readonly blockLength: number;
  private readonly block: Float32Array;
  private filled = 0;
  private blocksSeen = 0;
  private readonly minTonePower: number;
  private readonly maxTwist: number;
  private readonly maxReverseTwist: number;
  private readonly minRelativePeak: number;
  private readonly minToneShare: number;
  private previousCandidate: DtmfDigit | null = null;
  private current: DtmfDigit | null = null;
  private readonly rowPowers = new Float64Array(4);
  private readonly columnPowers = new Float64Array(4);

  constructor(options: DtmfDetectorOptions = {}) {
    this.sampleRate = options.sampleRate ?? 48000;
    this.blockLength = Math.round(this.sampleRate * BLOCK_SECONDS);
    this.block = new Float32Array(this.blockLength);
    this.minTonePower = 0.5 * 10 ** ((options.minToneLevelDb ?? -40) / 10);
    this.maxTwist = 10 ** ((options.maxTwistDb ?? 8) / 10);
    this.maxReverseTwist = 10 ** ((options.maxReverseTwistDb ?? 4) / 10);
    this.minRelativePeak = 10 ** ((options.minRelativePeakDb ?? 8) / 10);
    this.minToneShare = options.minToneShare ?? 0.55;
  }

  /** Returns the digits whose tone was confirmed within these samples, in order. */
  push(samples: Float32Array): DetectedDtmfDigit[] {
    const detected: DetectedDtmfDigit[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.blockLength - this.filled, samples.length - offset);
      this.block.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.blockLength) {
        const digit = this.analyseBlock();
        if (digit) detected.push(digit);
        this.filled = 0;
      }
    }
    return detected;
  }

  reset(): void {
    this.filled = 0;
    this.blocksSeen = 0;
    this.previousCandidate = null;
    this.current = null;
  }

  private analyseBlock(): DetectedDtmfDigit | undefined {
    const candidate = this.classifyBlock();
    const blockIndex = this.blocksSeen++;
    let result: DetectedDtmfDigit | undefined;
    // Change state only on two agreeing blocks: one noisy block neither starts nor ends a digit.
    if (candidate === this.previousCandidate && candidate !== this.current) {
      if (candidate !== null) {
        const startSample = (blockIndex - 1) * this.blockLength;
        result = { digit: candidate, atMs: (startSample * 1000) / this.sampleRate };
      }
      this.current = candidate;
    }
    this.previousCandidate = candidate;
    return result;
  }

  private classifyBlock(): DtmfDigit | null {
    const { block, sampleRate, blockLength } = this;
    for (let i = 0; i < 4; i++) {
      this.rowPowers[i] = goertzelPower(block, DTMF_ROW_FREQUENCIES[i]!, sampleRate, 0, blockLength);
      this.columnPowers[i] = goertzelPower(block, DTMF_COLUMN_FREQUENCIES[i]!, sampleRate, 0, blockLength);
    }
    const row = strongest(this.rowPowers);
    const column = strongest(this.columnPowers);
    const rowPower = this.rowPowers[row]!;
    const columnPower = this.columnPowers[column]!;
    if (rowPower < this.minTonePower || columnPower < this.minTonePower) return null;
    if (rowPower > columnPower * this.maxTwist || columnPower > rowPower * this.maxReverseTwist) return null;
    for (let i = 0; i < 4; i++) {
      if (i !== row && this.rowPowers[i]! * this.minRelativePeak > rowPower) return null;
      if (i !== column && this.columnPowers[i]! * this.minRelativePeak > columnPower) return null;
    }
    if (rowPower + columnPower < this.minToneShare * meanPower(block, 0, blockLength)) return null;
    return DTMF_KEYPAD[row]![column]!;
  }
}

function strongest(powers: Float64Array): number {
  let best = 0;
  for (let i = 1; i < powers.length; i++) if (powers[i]! > powers[best]!) best = i;
  return best;
}
