// SRTP for RTP packets (RFC 3711), profile AES_CM_128_HMAC_SHA1_80, the one every WebRTC
// endpoint must support (RFC 8827) and the one a Leg negotiates. It exists for speed: werift's
// generic path costs ~130 µs per relayed packet, most of it JavaScript around the cipher. Here a
// packet costs one AES-ECB call in node:crypto (the counter-mode keystream of the whole payload,
// from one long-lived cipher) and one HMAC-SHA1 from precomputed key states (hmac-sha1.ts).
// RTCP is not handled here: it is rare and stays on werift's path.
import { createCipheriv, type Cipher } from 'node:crypto';
import { HmacSha1 } from './hmac-sha1.ts';

export const SRTP_MASTER_KEY_BYTES = 16;
export const SRTP_MASTER_SALT_BYTES = 14;
/** HMAC-SHA1 truncated to 80 bits. */
export const SRTP_AUTH_TAG_BYTES = 10;
const RTP_HEADER_BYTES = 12;
const BLOCK = 16;
/** Keystream blocks prepared at once: enough for any packet on an Ethernet path. */
const MAX_BLOCKS = 96;

export interface SrtpMasterKey {
  /** 16 bytes. */
  key: Uint8Array;
  /** 14 bytes. */
  salt: Uint8Array;
}

/** The fields of an RTP header this PBX writes (no CSRC, no extension, no padding). */
export interface RtpHeaderFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
}

/** A received RTP packet, authenticated and decrypted; `payload` is a view into the datagram. */
export interface RtpPacketView extends RtpHeaderFields {
  payload: Buffer;
}

/** The AES-CM pseudo-random function of RFC 3711 §4.3.1 with a key derivation rate of 0. */
function deriveSessionKey(master: SrtpMasterKey, label: number, length: number): Buffer {
  const iv = Buffer.alloc(BLOCK);
  iv.set(master.salt.subarray(0, SRTP_MASTER_SALT_BYTES));
  // key_id = label || index DIV kdr (48 zero bits), right-aligned against the 112-bit salt.
  iv[7]! ^= label;
  const cipher = createCipheriv('aes-128-ctr', master.key, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/** The session keys of one direction of RTP (labels 0, 1, 2). */
class SrtpKeys {
  readonly #keystream: Cipher;
  readonly #auth: HmacSha1;
  readonly #salt: Buffer;
  /**
   * Counter blocks for one packet's keystream: the IV (salt XOR SSRC XOR index) with the block
   * number in its last 16 bits. Salt and block numbers are written once; per packet only bytes
   * 4-13 of each block change.
   */
  readonly #counters = Buffer.alloc(MAX_BLOCKS * BLOCK);
  readonly #iv = new Uint8Array(10);

  constructor(master: SrtpMasterKey) {
    if (master.key.length !== SRTP_MASTER_KEY_BYTES || master.salt.length < SRTP_MASTER_SALT_BYTES) {
      throw new RangeError('SRTP: AES_CM_128_HMAC_SHA1_80 needs a 16-byte master key and a 14-byte master salt');
    }
    // One ECB cipher for the life of the stream: counter mode is AES of the counter blocks, and
    // ECB without padding encrypts each block independently, so the object never needs resetting.
    this.#keystream = createCipheriv('aes-128-ecb', deriveSessionKey(master, 0, 16), null);
    this.#keystream.setAutoPadding(false);
    this.#auth = new HmacSha1(deriveSessionKey(master, 1, 20));
    this.#salt = deriveSessionKey(master, 2, 14);
    for (let block = 0; block < MAX_BLOCKS; block++) {
      this.#counters.set(this.#salt, block * BLOCK);
      this.#counters[block * BLOCK + 14] = block >>> 8;
      this.#counters[block * BLOCK + 15] = block & 0xff;
    }
  }

  /** XORs the keystream of packet (ROC, SEQ) of `ssrc` into `data[start, end)`. */
  xorKeystream(data: Buffer, start: number, end: number, ssrc: number, roc: number, sequenceNumber: number): void {
    const length = end - start;
    if (length <= 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > MAX_BLOCKS) throw new RangeError('SRTP: packet too large');
    // IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16), RFC 3711 §4.1.1: bytes 4-13 vary.
    const salt = this.#salt;
    const iv = this.#iv;
    iv[0] = salt[4]! ^ (ssrc >>> 24);
    iv[1] = salt[5]! ^ ((ssrc >>> 16) & 0xff);
    iv[2] = salt[6]! ^ ((ssrc >>> 8) & 0xff);
    iv[3] = salt[7]! ^ (ssrc & 0xff);
    iv[4] = salt[8]! ^ (roc >>> 24);
    iv[5] = salt[9]! ^ ((roc >>> 16) & 0xff);
    iv[6] = salt[10]! ^ ((roc >>> 8) & 0xff);
    iv[7] = salt[11]! ^ (roc & 0xff);
    iv[8] = salt[12]! ^ (sequenceNumber >>> 8);
    iv[9] = salt[13]! ^ (sequenceNumber & 0xff);
    const counters = this.#counters;
    for (let block = 0; block < blocks; block++) counters.set(iv, block * BLOCK + 4);
    const keystream = this.#keystream.update(counters.subarray(0, blocks * BLOCK));
    for (let i = 0; i < length; i++) data[start + i]! ^= keystream[i]!;
  }

  /** HMAC-SHA1 over `data[0, end)` and the ROC, truncated to 80 bits, written at `into[at]`. */
  tag(data: Buffer, end: number, roc: number, into: Uint8Array, at: number): void {
    this.#auth.tag(data, end, roc >>> 0, into, at, SRTP_AUTH_TAG_BYTES);
  }
}

/** Protects the RTP one sender sends (one SSRC), numbering the rollover counter itself. */
export class SrtpEncryptor {
  readonly #keys: SrtpKeys;
  #roc = 0;
  #lastSequenceNumber: number | undefined;

  constructor(master: SrtpMasterKey) {
    this.#keys = new SrtpKeys(master);
  }

  /** One SRTP packet (a new buffer): a 12-byte header, the encrypted payload, the 10-byte tag. */
  protect(header: RtpHeaderFields, payload: Uint8Array): Buffer {
    const sequenceNumber = header.sequenceNumber & 0xffff;
    const last = this.#lastSequenceNumber;
    // The sender's numbers wrapped (a jump back of more than half the range is a wrap, not a resend).
    if (last !== undefined && sequenceNumber < last && last - sequenceNumber > 0x8000) this.#roc = (this.#roc + 1) >>> 0;
    this.#lastSequenceNumber = sequenceNumber;
    const end = RTP_HEADER_BYTES + payload.length;
    const packet = Buffer.allocUnsafe(end + SRTP_AUTH_TAG_BYTES);
    packet[0] = 0x80;
    packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
    packet.writeUInt16BE(sequenceNumber, 2);
    packet.writeUInt32BE(header.timestamp >>> 0, 4);
    packet.writeUInt32BE(header.ssrc >>> 0, 8);
    packet.set(payload, RTP_HEADER_BYTES);
    this.#keys.xorKeystream(packet, RTP_HEADER_BYTES, end, header.ssrc >>> 0, this.#roc, sequenceNumber);
    this.#keys.tag(packet, end, this.#roc, packet, end);
    return packet;
  }
}

interface ReceiveState {
  roc: number;
  /** Highest sequence number authenticated so far (s_l of RFC 3711). */
  highest: number;
  authenticated: boolean;
}

/**
 * Authenticates and decrypts the RTP a peer sends, per SSRC, estimating each packet's rollover
 * counter as RFC 3711 Appendix A says. No replay list: the relay drops late and repeated packets
 * by sequence number anyway, and a replay cannot get past the authentication into anything else.
 */
export class SrtpDecryptor {
  readonly #keys: SrtpKeys;
  readonly #states = new Map<number, ReceiveState>();
  readonly #tag = new Uint8Array(SRTP_AUTH_TAG_BYTES);

  constructor(master: SrtpMasterKey) {
    this.#keys = new SrtpKeys(master);
  }

  /**
   * Decrypts `packet` in place. Returns its header and payload, or null when it is not an
   * authentic SRTP packet (wrong tag, truncated, not RTP version 2).
   */
  unprotect(packet: Buffer): RtpPacketView | null {
    const length = packet.length - SRTP_AUTH_TAG_BYTES;
    if (length < RTP_HEADER_BYTES || packet[0]! >> 6 !== 2) return null;
    const first = packet[0]!;
    let headerBytes = RTP_HEADER_BYTES + (first & 0x0f) * 4;
    if (first & 0x10) {
      if (length < headerBytes + 4) return null;
      headerBytes += 4 + packet.readUInt16BE(headerBytes + 2) * 4;
    }
    if (length < headerBytes) return null;
    const sequenceNumber = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);

    let state = this.#states.get(ssrc);
    const fresh = state === undefined;
    state ??= { roc: 0, highest: sequenceNumber, authenticated: false };
    let roc = estimateRoc(state, sequenceNumber);
    if (!this.#authentic(packet, length, roc)) {
      // A stream first seen just after its numbers wrapped is one rollover further than assumed.
      if (state.authenticated || !this.#authentic(packet, length, roc + 1)) return null;
      roc += 1;
    }
    if (fresh) this.#states.set(ssrc, state);
    if (roc > state.roc || !state.authenticated) {
      state.roc = roc;
      state.highest = sequenceNumber;
    } else if (roc === state.roc && sequenceNumber > state.highest) {
      state.highest = sequenceNumber;
    }
    state.authenticated = true;

    this.#keys.xorKeystream(packet, headerBytes, length, ssrc, roc >>> 0, sequenceNumber);
    let end = length;
    if (first & 0x20) end -= packet[length - 1]!;
    if (end < headerBytes) return null;
    return {
      payloadType: packet[1]! & 0x7f,
      marker: (packet[1]! & 0x80) !== 0,
      sequenceNumber,
      timestamp: packet.readUInt32BE(4),
      ssrc,
      payload: packet.subarray(headerBytes, end),
    };
  }

  #authentic(packet: Buffer, length: number, roc: number): boolean {
    if (roc < 0) return false;
    const expected = this.#tag;
    this.#keys.tag(packet, length, roc, expected, 0);
    let difference = 0;
    for (let i = 0; i < SRTP_AUTH_TAG_BYTES; i++) difference |= expected[i]! ^ packet[length + i]!;
    return difference === 0;
  }
}

/** RFC 3711 Appendix A: the packet's ROC from the highest sequence number seen and its own. */
function estimateRoc(state: ReceiveState, sequenceNumber: number): number {
  if (state.highest < 0x8000) return sequenceNumber - state.highest > 0x8000 ? state.roc - 1 : state.roc;
  return state.highest - 0x8000 > sequenceNumber ? state.roc + 1 : state.roc;
}

/** Whether a datagram on a media socket is RTP (not RTCP, STUN or DTLS): RFC 7983 and RFC 5761. */
export function isRtpDatagram(data: Uint8Array): boolean {
  if (data.length < RTP_HEADER_BYTES) return false;
  const first = data[0]!;
  if (first < 128 || first > 191) return false;
  const payloadType = data[1]! & 0x7f;
  return payloadType < 64 || payloadType > 95;
}
