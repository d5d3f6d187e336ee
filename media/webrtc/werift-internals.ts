// The places where media/webrtc reaches past werift's public API. All depend on werift 0.24.4
// (pinned in package.json) and fail soft if its internals change: check them when upgrading.
import type { RTCDtlsTransport, RTCPeerConnection, RTCRtpCodecParameters, RTCRtpSender, RtpPacket } from 'werift';

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
