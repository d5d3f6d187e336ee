// The sixteen DTMF keys, shared by in-band detection (dsp/) and RFC 4733 events (rtp/).

/** In RFC 4733 order: a digit's index here is its telephone-event code. */
export const DTMF_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'] as const;

export type DtmfDigit = (typeof DTMF_DIGITS)[number];

export function isDtmfDigit(value: string): value is DtmfDigit {
  return (DTMF_DIGITS as readonly string[]).includes(value);
}
