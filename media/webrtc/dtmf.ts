// RFC 4733 telephone-event payloads as a browser leg needs them: read the digits Chromium's
// RTCDTMFSender sends, and build the packets of a digit the PBX sends back.
// (media/rtp/ may grow a general telephone-event module; this one only covers DTMF digits.)

const DIGITS = '0123456789*#ABCD';

/** A DTMF digit as typed on a keypad: 0-9, *, #, A-D. */
export type DtmfDigit = string;

export function digitToEvent(digit: DtmfDigit): number | undefined {
  const index = DIGITS.indexOf(digit.toUpperCase());
  return index < 0 ? undefined : index;
}

export function eventToDigit(event: number): DtmfDigit | undefined {
  return DIGITS[event];
}

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0-63. */
  volume: number;
  /** Duration so far, in timestamp units. */
  duration: number;
}

/** Parses the 4-byte RFC 4733 payload; undefined if too short. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

export function serializeTelephoneEvent(event: TelephoneEvent): Buffer {
  const payload = Buffer.alloc(4);
  payload[0] = event.event;
  payload[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  payload.writeUInt16BE(Math.min(event.duration, 0xffff), 2);
  return payload;
}

export interface DetectedDigit {
  digit: DtmfDigit;
  /** Duration of the tone in milliseconds, as reported by the sender. */
  durationMs: number;
}

/**
 * Turns a stream of telephone-event packets into digits, once each: a sender repeats every
 * packet of an event (all with the event's start timestamp) and sends the end packet three
 * times. A digit is reported at its first end packet, or, if every end packet was lost, when
 * the next event starts.
 */
export class DtmfDetector {
  #current: { timestamp: number; event: number; duration: number; reported: boolean } | undefined;
  readonly #clockRate: number;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  /** Feeds one packet; returns the digits completed by it (0, 1, or 2 if an end was lost). */
  push(timestamp: number, payload: Uint8Array): DetectedDigit[] {
    const parsed = parseTelephoneEvent(payload);
    if (!parsed) return [];
    const detected: DetectedDigit[] = [];
    const current = this.#current;
    if (!current || current.timestamp !== timestamp) {
      if (current && !current.reported) detected.push(...this.#report(current));
      this.#current = { timestamp, event: parsed.event, duration: parsed.duration, reported: false };
    } else {
      this.#current!.duration = Math.max(current.duration, parsed.duration);
    }
    const now = this.#current!;
    if (parsed.end && !now.reported) detected.push(...this.#report(now));
    return detected;
  }

  #report(state: { event: number; duration: number; reported: boolean }): DetectedDigit[] {
    state.reported = true;
    const digit = eventToDigit(state.event);
    return digit === undefined ? [] : [{ digit, durationMs: Math.round((state.duration / this.#clockRate) * 1000) }];
  }
}
