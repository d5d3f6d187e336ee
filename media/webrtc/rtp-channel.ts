// The RTP of one connected peer connection, read and written without werift's per-packet path:
// datagrams taken off its UDP sockets, SRTP in node:crypto (media/rtp/srtp.ts), sent straight on
// the selected candidate pair. werift keeps ICE, DTLS and RTCP. This is what makes relaying
// cheap: ~130 µs of CPU per relayed packet through werift, a fraction of it here.
import type { RTCDtlsTransport } from 'werift';
import { isRtpDatagram, SrtpDecryptor, SrtpEncryptor, type RtpHeaderFields, type RtpPacketView } from '../rtp/srtp.ts';
import { srtpMasterKeys, tapRtpSockets, type RtpSocketTap, type SrtpMasterKeys } from './werift-internals.ts';

export interface RtpChannelStats {
  received: number;
  sent: number;
  /** Datagrams that were not authentic SRTP (or not for this channel's keys). */
  rejected: number;
}

export class RtpChannel {
  readonly #tap: RtpSocketTap;
  readonly #encryptor: SrtpEncryptor;
  readonly #decryptor: SrtpDecryptor;
  readonly #receive: (packet: RtpPacketView) => void;
  readonly #stats: RtpChannelStats = { received: 0, sent: 0, rejected: 0 };
  #closed = false;

  /**
   * Opens the channel on a connected DTLS transport. Undefined when its SRTP profile is not
   * AES_CM_128_HMAC_SHA1_80 (see onlyAesCmSrtp) or werift's internals are not as expected:
   * the caller then keeps werift's own path.
   */
  static open(transport: RTCDtlsTransport, receive: (packet: RtpPacketView) => void): RtpChannel | undefined {
    const keys = srtpMasterKeys(transport);
    if (!keys) return undefined;
    return new RtpChannel(transport, keys, receive);
  }

  private constructor(transport: RTCDtlsTransport, keys: SrtpMasterKeys, receive: (packet: RtpPacketView) => void) {
    this.#encryptor = new SrtpEncryptor(keys.local);
    this.#decryptor = new SrtpDecryptor(keys.remote);
    this.#receive = receive;
    this.#tap = tapRtpSockets(transport, isRtpDatagram, this.#onDatagram);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): Readonly<RtpChannelStats> {
    return { ...this.#stats };
  }

  /** Encrypts and sends one packet. False when closed or when there is no path to the peer (yet, or any more). */
  send(header: RtpHeaderFields, payload: Uint8Array): boolean {
    if (this.#closed) return false;
    const sent = this.#tap.send(this.#encryptor.protect(header, payload));
    if (sent) this.#stats.sent++;
    return sent;
  }

  /** Gives the sockets' RTP back to werift (which then drops it: its SRTP state is not ours). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tap.close();
  }

  readonly #onDatagram = (datagram: Buffer): void => {
    if (this.#closed) return;
    const packet = this.#decryptor.unprotect(datagram);
    if (!packet) {
      this.#stats.rejected++;
      return;
    }
    this.#stats.received++;
    this.#receive(packet);
  };
}
