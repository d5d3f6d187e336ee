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
  // A buffer of its own (Buffer.alloc), not a slice of Node's 8 kB pool: it lives as long as the
  // call, and would keep a whole pool slab alive with it.
  const key = Buffer.alloc(length);
  key.set(cipher.update(Buffer.alloc(length)));
  return key;
}

/**
 * Keystream is prepared for this many packets ahead, in one AES call: a stream's packets come in
 * order, so the next ones' counters are known, and one call (and one buffer) serves them all.
 */
const AHEAD_PACKETS = 16;
/** Up to 256 payload bytes per packet from the prepared keystream (Opus at 20 ms is far below); longer packets get their own. */
const AHEAD_BLOCKS = 16;

/** The session keys of one direction of RTP (labels 0, 1, 2). */
class SrtpKeys {
  readonly #cipher: Cipher;
  readonly #auth: HmacSha1;
  readonly #salt: Buffer;
  /**
   * Counter blocks: the IV (salt XOR SSRC XOR packet index) with the block number in its last
   * 16 bits. Salt and block numbers are written once; per packet only bytes 4-13 change.
   */
  readonly #counters = Buffer.alloc(Math.max(MAX_BLOCKS, AHEAD_PACKETS * AHEAD_BLOCKS) * BLOCK);
  /** Keystream of packets `#aheadFrom` to `#aheadFrom + AHEAD_PACKETS - 1` of `#aheadSsrc`, AHEAD_BLOCKS blocks each. */
  #ahead: Buffer | undefined;
  #aheadSsrc = 0;
  #aheadFrom = 0;

  constructor(master: SrtpMasterKey) {
    if (master.key.length !== SRTP_MASTER_KEY_BYTES || master.salt.length < SRTP_MASTER_SALT_BYTES) {
      throw new RangeError('SRTP: AES_CM_128_HMAC_SHA1_80 needs a 16-byte master key and a 14-byte master salt');
    }
    // One ECB cipher for the life of the stream: counter mode is AES of the counter blocks, and
    // ECB without padding encrypts each block independently, so the object never needs resetting.
    this.#cipher = createCipheriv('aes-128-ecb', deriveSessionKey(master, 0, 16), null);
    this.#cipher.setAutoPadding(false);
    this.#auth = new HmacSha1(deriveSessionKey(master, 1, 20));
    this.#salt = deriveSessionKey(master, 2, 14);
  }

  /** XORs the keystream of packet (ROC, SEQ) of `ssrc` into `data[start, end)`. */
  xorKeystream(data: Buffer, start: number, end: number, ssrc: number, roc: number, sequenceNumber: number): void {
    const length = end - start;
    if (length <= 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > MAX_BLOCKS) throw new RangeError('SRTP: packet too large');
    const index = roc * 0x10000 + sequenceNumber;
    let keystream: Buffer;
    let offset = 0;
    const slot = index - this.#aheadFrom;
    if (blocks > AHEAD_BLOCKS || (this.#ahead !== undefined && ssrc === this.#aheadSsrc && slot < 0)) {
      // Too long, or late (earlier than what is prepared): this packet's keystream alone.
      this.#writeCounters(0, ssrc, index, blocks);
      keystream = this.#cipher.update(this.#counters.subarray(0, blocks * BLOCK));
    } else {
      if (this.#ahead === undefined || ssrc !== this.#aheadSsrc || slot >= AHEAD_PACKETS) this.#prepare(ssrc, index);
      keystream = this.#ahead!;
      offset = (index - this.#aheadFrom) * AHEAD_BLOCKS * BLOCK;
    }
    for (let i = 0; i < length; i++) data[start + i]! ^= keystream[offset + i]!;
  }

  /** HMAC-SHA1 over `data[0, end)` and the ROC, truncated to 80 bits, written at `into[at]`. */
  tag(data: Buffer, end: number, roc: number, into: Uint8Array, at: number): void {
    this.#auth.tag(data, end, roc >>> 0, into, at, SRTP_AUTH_TAG_BYTES);
  }

  #prepare(ssrc: number, firstIndex: number): void {
    for (let packet = 0; packet < AHEAD_PACKETS; packet++) {
      this.#writeCounters(packet * AHEAD_BLOCKS * BLOCK, ssrc, firstIndex + packet, AHEAD_BLOCKS);
    }
    this.#ahead = this.#cipher.update(this.#counters.subarray(0, AHEAD_PACKETS * AHEAD_BLOCKS * BLOCK));
    this.#aheadSsrc = ssrc;
    this.#aheadFrom = firstIndex;
  }

  /** Counter blocks for packet `index` (48 bits: ROC << 16 | SEQ) at `counters[at]`. */
  #writeCounters(at: number, ssrc: number, index: number, blocks: number): void {
    const roc = Math.floor(index / 0x10000);
    const sequenceNumber = index & 0xffff;
    // IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16), RFC 3711 §4.1.1.
    const salt = this.#salt;
    const b0 = salt[0]!;
    const b1 = salt[1]!;
    const b2 = salt[2]!;
    const b3 = salt[3]!;
    const b4 = salt[4]! ^ (ssrc >>> 24);
    const b5 = salt[5]! ^ ((ssrc >>> 16) & 0xff);
    const b6 = salt[6]! ^ ((ssrc >>> 8) & 0xff);
    const b7 = salt[7]! ^ (ssrc & 0xff);
    const b8 = salt[8]! ^ (roc >>> 24);
    const b9 = salt[9]! ^ ((roc >>> 16) & 0xff);
    const b10 = salt[10]! ^ ((roc >>> 8) & 0xff);
    const b11 = salt[11]! ^ (roc & 0xff);
    const b12 = salt[12]! ^ (sequenceNumber >>> 8);
    const b13 = salt[13]! ^ (sequenceNumber & 0xff);
    const counters = this.#counters;
    for (let block = 0; block < blocks; block++) {
      const o = at + block * BLOCK;
      counters[o] = b0;
      counters[o + 1] = b1;
      counters[o + 2] = b2;
      counters[o + 3] = b3;
      counters[o + 4] = b4;
      counters[o + 5] = b5;
      counters[o + 6] = b6;
      counters[o + 7] = b7;
      counters[o + 8] = b8;
      counters[o + 9] = b9;
      counters[o + 10] = b10;
      counters[o + 11] = b11;
      counters[o + 12] = b12;
      counters[o + 13] = b13;
      counters[o + 14] = block >>> 8;
      counters[o + 15] = block & 0xff;
    }
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
