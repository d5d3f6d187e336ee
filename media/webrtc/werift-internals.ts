// The places where a Leg reaches past werift's public API. Both depend on werift 0.24.4
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
