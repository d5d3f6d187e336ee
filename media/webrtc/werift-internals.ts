// The places where media/webrtc reaches past werift's public API. All depend on werift 0.24.4
// (pinned in package.json) and fail soft if its internals change: check them when upgrading.
import { createPrivateKey, createPublicKey, createSign, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { CipherContext, type RTCDtlsTransport, type RTCPeerConnection, type RTCRtpCodecParameters, type RTCRtpSender, type RtpPacket } from 'werift';

/**
 * Sends a packet on the sender's stream with another negotiated codec's payload type (RFC 4733
 * events share the audio stream's SSRC and sequence numbers). werift's sender stamps every
 * packet with its first codec's payload type; swapping the codec for this one call works because
 * sendRtp reads it synchronously, before its first await.
 */
export function sendRtpWithCodec(sender: RTCRtpSender, codec: RTCRtpCodecParameters, packet: RtpPacket): void {
  const usual = sender.codec;
  sender.codec = codec;
  try {
    sender.sendRtp(packet).catch(() => {});
  } finally {
    sender.codec = usual;
  }
}

interface DtlsSocketInternals {
  dtls: { version: { major: number; minor: number }; epoch: number; recordSequenceNumber: number };
  cipher: { encryptPacket(packet: unknown): { fragment: Buffer } };
  transport: { send(data: Buffer): Promise<void> | void };
}

/**
 * Sends a DTLS close_notify alert, as a browser does when its peer connection closes. werift
 * 0.24.4 closes without one ("todo impl send alert"), and the browser then only notices the end
 * when its connectivity checks fail, after about 6 s. Returns false if it could not be sent.
 */
export async function sendDtlsCloseNotify(transport: RTCDtlsTransport): Promise<boolean> {
  const socket = transport.dtls as unknown as DtlsSocketInternals | undefined;
  if (transport.state !== 'connected' || !socket?.dtls || !socket.cipher || !socket.transport) return false;
  try {
    const ALERT = 21;
    const header = {
      contentType: ALERT,
      protocolVersion: socket.dtls.version,
      epoch: socket.dtls.epoch,
      sequenceNumber: ++socket.dtls.recordSequenceNumber,
      contentLen: 2,
    };
    // Alert level warning (1), description close_notify (0).
    const { fragment } = socket.cipher.encryptPacket({ recordLayerHeader: header, fragment: Buffer.from([1, 0]) });
    const record = Buffer.alloc(13 + fragment.length);
    record.writeUInt8(ALERT, 0);
    record.writeUInt8(header.protocolVersion.major, 1);
    record.writeUInt8(header.protocolVersion.minor, 2);
    record.writeUInt16BE(header.epoch, 3);
    record.writeUIntBE(header.sequenceNumber, 5, 6);
    record.writeUInt16BE(fragment.length, 11);
    fragment.copy(record, 13);
    await socket.transport.send(record);
    // Node sends a datagram after an asynchronous address lookup: closing the socket right away
    // would drop it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops werift's ICE agents from asking stun.l.google.com:19302: with no STUN server configured
 * (`iceServers: []` included) 0.24.4's ICE connection falls back to Google's, resolving its name
 * and querying it for every leg; candidate gathering then waits up to 5 s where DNS or the
 * internet is slow or missing, and the PBX tells a third party about each call. Call it after
 * the transports exist (after addTransceiver) and before gathering (setLocalDescription).
 */
export function withoutFallbackStunServer(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports) {
    const connection = transport.connection as unknown as { stunServer?: unknown };
    connection.stunServer = undefined;
  }
}

/** werift's SRTP protection profile number for AES_CM_128_HMAC_SHA1_80 (RFC 5764). */
const PROFILE_AES_CM_128_HMAC_SHA1_80 = 0x0001;

/**
 * Makes the DTLS handshake negotiate AES_CM_128_HMAC_SHA1_80 only (werift 0.24.4 prefers AES-GCM),
 * the profile media/rtp/srtp.ts implements; every WebRTC endpoint supports it (RFC 8827). Call it
 * after the transports exist and before the handshake starts.
 */
export function onlyAesCmSrtp(pc: RTCPeerConnection): void {
  for (const transport of dtlsTransportsOf(pc)) {
    (transport as unknown as { srtpProfiles: number[] }).srtpProfiles = [PROFILE_AES_CM_128_HMAC_SHA1_80];
  }
}

function dtlsTransportsOf(pc: RTCPeerConnection): RTCDtlsTransport[] {
  return pc.getTransceivers().map((transceiver) => transceiver.dtlsTransport).filter((t, i, all) => t && all.indexOf(t) === i);
}

export interface SrtpMasterKeys {
  /** What this side encrypts with. */
  local: { key: Buffer; salt: Buffer };
  /** What the peer encrypts with. */
  remote: { key: Buffer; salt: Buffer };
}

interface DtlsSrtpInternals {
  srtp?: { srtpProfile?: number };
  extractSessionKeys?(keyLength: number, saltLength: number): { localKey: Buffer; localSalt: Buffer; remoteKey: Buffer; remoteSalt: Buffer };
}

/**
 * The SRTP master keys of a connected DTLS transport (RFC 5764 keying material), when it
 * negotiated AES_CM_128_HMAC_SHA1_80; undefined otherwise (then werift's own path must be kept).
 */
export function srtpMasterKeys(transport: RTCDtlsTransport): SrtpMasterKeys | undefined {
  const socket = transport.dtls as unknown as DtlsSrtpInternals | undefined;
  if (transport.state !== 'connected' || socket?.srtp?.srtpProfile !== PROFILE_AES_CM_128_HMAC_SHA1_80 || !socket.extractSessionKeys) return undefined;
  try {
    const keys = socket.extractSessionKeys(16, 14);
    return { local: { key: keys.localKey, salt: keys.localSalt }, remote: { key: keys.remoteKey, salt: keys.remoteSalt } };
  } catch {
    return undefined;
  }
}

interface UdpTransportInternals {
  type?: string;
  closed: boolean;
  socket: { send(data: Buffer, port: number, address: string): void };
  onData: (data: Buffer, address: [string, number]) => void;
}

interface IceConnectionInternals {
  protocols: { transport?: UdpTransportInternals }[];
  nominated?: { protocol: { transport?: UdpTransportInternals }; remoteAddr: [string, number] };
  canSendApplicationData?(): boolean;
}

/** RTP datagrams of one peer connection taken off werift's path, and sent without it. */
export interface RtpSocketTap {
  /** Sends one datagram to the peer on the selected candidate pair; false when there is none yet, or consent to send expired. */
  send(datagram: Buffer): boolean;
  /** Gives every datagram back to werift. Idempotent. */
  close(): void;
}

/**
 * Takes RTP (not RTCP, STUN or DTLS) off the transport's UDP sockets before werift parses it,
 * and hands each datagram to `onRtp`; everything else goes on to werift as before. werift then
 * keeps ICE (checks, consent), DTLS and RTCP, and never sees the audio. The sockets stay werift's:
 * they close with the peer connection. `isRtp` decides which datagrams are taken.
 */
export function tapRtpSockets(transport: RTCDtlsTransport, isRtp: (data: Buffer) => boolean, onRtp: (datagram: Buffer) => void): RtpSocketTap {
  const connection = transport.iceTransport.connection as unknown as IceConnectionInternals;
  const restore: (() => void)[] = [];
  for (const protocol of connection.protocols ?? []) {
    const udp = protocol.transport;
    if (!udp || udp.type !== 'udp' || typeof udp.onData !== 'function') continue;
    const original = udp.onData;
    const tapped = (data: Buffer, address: [string, number]) => {
      if (isRtp(data)) onRtp(data);
      else original(data, address);
    };
    udp.onData = tapped;
    restore.push(() => {
      if (udp.onData === tapped) udp.onData = original;
    });
  }
  return {
    send(datagram) {
      const pair = connection.nominated;
      const udp = pair?.protocol.transport;
      if (!pair || !udp || udp.closed || connection.canSendApplicationData?.() === false) return false;
      // An IP literal: dgram resolves nothing, and without a callback a failed send is dropped silently, as werift's own sends.
      udp.socket.send(datagram, pair.remoteAddr[1], pair.remoteAddr[0]);
      return true;
    },
    close() {
      for (const undo of restore.splice(0)) undo();
    },
  };
}

// The DER prefix that turns a raw 32-byte X25519 private key into PKCS#8 (RFC 8410).
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
let handshakesSpedUp = false;

interface CipherContextInternals {
  localCert?: Buffer;
  localPrivateKey?: { toPEM(): { toString(): string } | string };
  signatureHashAlgorithm?: unknown;
  parseX509(certPem: string, keyPem: string, signatureHash: unknown): void;
  signatureData(data: Buffer, hash: string): Buffer;
}

/**
 * Takes the slow parts out of werift 0.24.4's DTLS handshake, about 4 ms of blocked event loop
 * per leg, without changing what goes on the wire:
 * - X25519 in node:crypto (OpenSSL) instead of tweetnacl in JavaScript (2.3 ms -> 0.1 ms): werift
 *   calls `nacl.box.keyPair()` and `nacl.scalarMult()` on tweetnacl's module object, so those two
 *   functions are replaced there, with the same inputs and results (the tests compare both);
 * - the shared certificate and key parsed from PEM once, not once per leg (0.5 ms);
 * - the signing key turned into a KeyObject once, not parsed from PEM at each signature (0.7 ms).
 * Process-wide and idempotent; nothing else in this project uses tweetnacl or CipherContext.
 */
export function speedUpDtlsHandshakes(): void {
  if (handshakesSpedUp) return;
  handshakesSpedUp = true;
  nacl.box.keyPair = x25519KeyPair as typeof nacl.box.keyPair;
  nacl.scalarMult = x25519 as typeof nacl.scalarMult;

  const context = CipherContext.prototype as unknown as CipherContextInternals;
  if (typeof context.parseX509 === 'function') {
    const parseX509 = context.parseX509;
    const parsed = new Map<string, Pick<CipherContextInternals, 'localCert' | 'localPrivateKey'>>();
    context.parseX509 = function (this: CipherContextInternals, certPem, keyPem, signatureHash) {
      const key = `${certPem}\n${keyPem}`;
      let known = parsed.get(key);
      if (!known) {
        parseX509.call(this, certPem, keyPem, signatureHash);
        known = { localCert: this.localCert, localPrivateKey: this.localPrivateKey };
        // One certificate for every leg in practice; a bound keeps it a cache.
        if (parsed.size > 8) parsed.clear();
        parsed.set(key, known);
      }
      this.localCert = known.localCert;
      this.localPrivateKey = known.localPrivateKey;
      this.signatureHashAlgorithm = signatureHash;
    };
  }
  if (typeof context.signatureData === 'function') {
    const keys = new WeakMap<object, KeyObject>();
    context.signatureData = function (this: CipherContextInternals, data, hash) {
      const privateKey = this.localPrivateKey;
      if (!privateKey) throw new Error('DTLS: no private key');
      let key = keys.get(privateKey);
      if (!key) {
        key = createPrivateKey(privateKey.toPEM().toString());
        keys.set(privateKey, key);
      }
      return createSign(hash).update(data).sign(key);
    };
  }
}

/**
 * Private keys made by x25519KeyPair, by secret, until x25519() uses them (werift uses each
 * ephemeral key once): importing a raw X25519 key into OpenSSL costs 0.4 ms, keeping it is free.
 */
const pendingX25519Keys = new Map<string, KeyObject>();
const PENDING_X25519_KEYS_MAX = 64;

/** As tweetnacl's box.keyPair: each key in its own 32-byte buffer (werift reads `.buffer`). */
export function x25519KeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const secretKey = new Uint8Array(Buffer.from(jwk.d!, 'base64url'));
  if (pendingX25519Keys.size >= PENDING_X25519_KEYS_MAX) pendingX25519Keys.delete(pendingX25519Keys.keys().next().value!);
  pendingX25519Keys.set(Buffer.from(secretKey).toString('hex'), privateKey);
  return { publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')), secretKey };
}

/** As tweetnacl's scalarMult: the X25519 shared secret of a secret key and a peer's public key. */
export function x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const id = Buffer.from(secretKey).toString('hex');
  let privateKeyObject = pendingX25519Keys.get(id);
  if (privateKeyObject) pendingX25519Keys.delete(id);
  else privateKeyObject = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
  const publicKeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
  return new Uint8Array(diffieHellman({ privateKey: privateKeyObject, publicKey: publicKeyObject }));
}

interface CertificateInternals {
  getFingerprints(): unknown[];
}

/**
 * werift shares one DTLS certificate between peer connections but re-parses its PEM to compute
 * the fingerprint each time a description is made (about 0.4 ms per leg). The certificate never
 * changes, so its fingerprints are remembered on the certificate itself. Call it after the
 * transports exist; idempotent.
 */
export function rememberCertificateFingerprints(pc: RTCPeerConnection): void {
  for (const transport of dtlsTransportsOf(pc)) {
    const certificate = transport.localCertificate as unknown as (CertificateInternals & { [remembered]?: true }) | undefined;
    if (!certificate || certificate[remembered] || typeof certificate.getFingerprints !== 'function') continue;
    const fingerprints = certificate.getFingerprints();
    certificate.getFingerprints = () => [...fingerprints];
    certificate[remembered] = true;
  }
}
const remembered = Symbol('fingerprints remembered');
