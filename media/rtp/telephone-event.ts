// RFC 4733 telephone-event payloads: DTMF keys sent as RTP packets instead of tones.
// A key press is one event, identified by its RTP timestamp; the sender repeats updates with a
// growing duration and sends the final (end) packet three times, so a receiver must de-duplicate.
import { DTMF_DIGITS, type DtmfDigit } from '../dtmf-digit.ts';

export interface TelephoneEvent {
  /** 0-15 are DTMF keys; higher codes (flash, modem tones) exist but are not keys. */
  event: number;
  end: boolean;
  /** Power level as -dBm0, 0-63 (so 10 means -10 dBm0). */
  volume: number;
  /** Duration so far, in RTP timestamp units. */
  duration: number;
}

export const TELEPHONE_EVENT_PAYLOAD_BYTES = 4;

export function encodeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  if (!(Number.isInteger(event.event) && event.event >= 0 && event.event <= 255)) throw new RangeError(`event ${event.event}`);
  if (!(Number.isInteger(event.volume) && event.volume >= 0 && event.volume <= 63)) throw new RangeError(`volume ${event.volume}`);
  if (!(Number.isInteger(event.duration) && event.duration >= 0 && event.duration <= 0xffff)) throw new RangeError(`duration ${event.duration}`);
  const payload = new Uint8Array(TELEPHONE_EVENT_PAYLOAD_BYTES);
  payload[0] = event.event;
  payload[1] = (event.end ? 0x80 : 0) | event.volume;
  payload[2] = event.duration >> 8;
  payload[3] = event.duration & 0xff;
  return payload;
}

/** Reads the first event of a payload (redundant extra blocks, if any, are ignored); undefined if too short. */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < TELEPHONE_EVENT_PAYLOAD_BYTES) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

export function digitForEvent(event: number): DtmfDigit | undefined {
  return DTMF_DIGITS[event];
}

export function eventForDigit(digit: DtmfDigit): number {
  return DTMF_DIGITS.indexOf(digit);
}

export interface ReceivedTelephoneDigit {
  digit: DtmfDigit;
  /** RTP timestamp of the event, i.e. when the key went down. */
  rtpTimestamp: number;
}

// Timestamps of finished events are remembered this long (in events) to swallow late repeats.
const REMEMBERED_EVENTS = 16;

/** Turns a stream of telephone-event packets into key presses, each reported exactly once. */
export class TelephoneEventReceiver {
  private active: { timestamp: number; event: number; duration: number; ended: boolean } | undefined;
  private readonly finished: number[] = [];

  /**
   * Feed each packet's payload with its RTP timestamp. Returns the digit the first time a new key
   * press is seen (start, update or end packet alike, so a lost start packet loses nothing).
   */
  receive(payload: Uint8Array, rtpTimestamp: number): ReceivedTelephoneDigit | undefined {
    const decoded = decodeTelephoneEvent(payload);
    if (!decoded) return undefined;
    const timestamp = rtpTimestamp >>> 0;
    const active = this.active;
    if (active && active.timestamp === timestamp) {
      active.duration = Math.max(active.duration, decoded.duration);
      if (decoded.end) this.finish(active);
      return undefined;
    }
    if (this.finished.includes(timestamp)) return undefined;
    // A key held past the 16-bit duration limit continues under a new timestamp (RFC 4733 2.5.1.3).
    const continues =
      active !== undefined && !active.ended && active.event === decoded.event && ((active.timestamp + active.duration) >>> 0) === timestamp;
    if (active && !active.ended) this.finish(active);
    this.active = { timestamp, event: decoded.event, duration: decoded.duration, ended: false };
    if (decoded.end) this.finish(this.active);
    if (continues) return undefined;
    const digit = digitForEvent(decoded.event);
    return digit === undefined ? undefined : { digit, rtpTimestamp: timestamp };
  }

  private finish(event: { timestamp: number; ended: boolean }): void {
    if (event.ended) return;
    event.ended = true;
    this.finished.push(event.timestamp);
    if (this.finished.length > REMEMBERED_EVENTS) this.finished.shift();
  }
}

export interface TelephoneEventPacket {
  payload: Uint8Array;
  /** Set on the first packet of the event only. */
  marker: boolean;
  /** When to send it, in ms after the key went down; all packets carry the event's start timestamp. */
  sendAtMs: number;
}

export interface TelephoneEventPlan {
  durationMs?: number;
  /** RTP clock of the negotiated telephone-event format (48000 alongside Opus, or 8000). */
  clockRate?: number;
  packetIntervalMs?: number;
  volume?: number;
  endRepeats?: number;
}

/** The packets that send one key press: a start, updates every interval, then repeated end packets. */
export function telephoneEventPackets(digit: DtmfDigit, plan: TelephoneEventPlan = {}): TelephoneEventPacket[] {
  const durationMs = plan.durationMs ?? 100;
  const clockRate = plan.clockRate ?? 48000;
  const intervalMs = plan.packetIntervalMs ?? 20;
  const volume = plan.volume ?? 10;
  const endRepeats = plan.endRepeats ?? 3;
  const event = eventForDigit(digit);
  const toUnits = (ms: number) => Math.min(0xffff, Math.round((ms * clockRate) / 1000));
  const packets: TelephoneEventPacket[] = [];
  for (let elapsed = intervalMs; elapsed < durationMs; elapsed += intervalMs) {
    packets.push({
      payload: encodeTelephoneEvent({ event, end: false, volume, duration: toUnits(elapsed) }),
      marker: packets.length === 0,
      sendAtMs: elapsed - intervalMs,
    });
  }
  const last = packets.length === 0 ? 0 : packets[packets.length - 1]!.sendAtMs + intervalMs;
  for (let i = 0; i < endRepeats; i++) {
    packets.push({
      payload: encodeTelephoneEvent({ event, end: true, volume, duration: toUnits(durationMs) }),
      marker: packets.length === 0,
      sendAtMs: last + i * intervalMs,
    });
  }
  return packets;
}
