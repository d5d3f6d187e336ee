// HMAC-SHA1 (RFC 2104) for one fixed key, in plain JavaScript, for SRTP's per-packet tags. The
// key's inner and outer hash states are computed once; a tag then costs the message's SHA-1
// blocks plus one, and allocates nothing. node:crypto's createHmac costs more for short messages:
// a native object per packet for the garbage collector to finalise, and the key set up each time.

const BLOCK_BYTES = 64;
const INITIAL_STATE = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];

export class HmacSha1 {
  readonly #inner = new Int32Array(5);
  readonly #outer = new Int32Array(5);
  readonly #state = new Int32Array(5);
  readonly #words = new Int32Array(80);
  /** The last block(s) of a message: its tail, the suffix, padding and length. */
  readonly #tail = new Uint8Array(2 * BLOCK_BYTES);

  constructor(key: Uint8Array) {
    if (key.length > BLOCK_BYTES) throw new RangeError('HmacSha1: keys longer than 64 bytes are not supported');
    const pad = new Uint8Array(BLOCK_BYTES);
    for (const [state, byte] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      state.set(INITIAL_STATE);
      for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = (key[i] ?? 0) ^ byte;
      this.#compress(state, pad, 0);
    }
  }

  /**
   * HMAC of `data[0, length)` followed by the 32-bit big-endian `suffix` (SRTP's rollover
   * counter), its first `tagBytes` bytes written to `into[at]`.
   */
  tag(data: Uint8Array, length: number, suffix: number, into: Uint8Array, at: number, tagBytes: number): void {
    const state = this.#state;
    state.set(this.#inner);
    let offset = 0;
    for (; length - offset >= BLOCK_BYTES; offset += BLOCK_BYTES) this.#compress(state, data, offset);
    const tail = this.#tail;
    let n = 0;
    while (offset < length) tail[n++] = data[offset++]!;
    tail[n++] = suffix >>> 24;
    tail[n++] = (suffix >>> 16) & 0xff;
    tail[n++] = (suffix >>> 8) & 0xff;
    tail[n++] = suffix & 0xff;
    // The inner hash covers the key block too: 64 + length + 4 bytes.
    this.#finish(state, tail, n, BLOCK_BYTES + length + 4);

    const digest = this.#state;
    for (let i = 0; i < 5; i++) {
      const word = digest[i]!;
      tail[4 * i] = word >>> 24;
      tail[4 * i + 1] = (word >>> 16) & 0xff;
      tail[4 * i + 2] = (word >>> 8) & 0xff;
      tail[4 * i + 3] = word & 0xff;
    }
    digest.set(this.#outer);
    this.#finish(digest, tail, 20, BLOCK_BYTES + 20);
    for (let i = 0; i < tagBytes; i++) into[at + i] = (digest[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  }

  /** Pads the `used` bytes in `tail` (a message of `totalBytes`) and compresses the last block or two. */
  #finish(state: Int32Array, tail: Uint8Array, used: number, totalBytes: number): void {
    let n = used;
    tail[n++] = 0x80;
    const end = n > BLOCK_BYTES - 8 ? 2 * BLOCK_BYTES : BLOCK_BYTES;
    while (n < end - 4) tail[n++] = 0;
    const bits = totalBytes * 8;
    tail[end - 4] = bits >>> 24;
    tail[end - 3] = (bits >>> 16) & 0xff;
    tail[end - 2] = (bits >>> 8) & 0xff;
    tail[end - 1] = bits & 0xff;
    this.#compress(state, tail, 0);
    if (end > BLOCK_BYTES) this.#compress(state, tail, BLOCK_BYTES);
  }

  #compress(state: Int32Array, data: Uint8Array, offset: number): void {
    const w = this.#words;
    for (let i = 0; i < 16; i++) {
      const at = offset + 4 * i;
      w[i] = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let t: number;
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    state[0] = (state[0]! + a) | 0;
    state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0;
    state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0;
  }
}
