// A browser leg: the media path between the PBX and one browser (a WebRTC peer connection,
// audio only: Opus plus RFC 4733 DTMF). werift is an implementation detail of this file; the
// rest of the PBX sees Opus packets, digits and a few lifecycle events.
import { EventEmitter } from 'node:events';
import { networkInterfaces } from 'node:os';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type MediaStreamTrack,
  type RTCRtpTransceiver,
} from 'werift';
import { isDtmfDigit, type DtmfDigit } from '../dtmf-digit.ts';
import { TelephoneEventReceiver, telephoneEventPackets } from '../rtp/telephone-event.ts';
import type { RtpPacketView } from '../rtp/srtp.ts';
import { OutgoingRtpStream } from './outgoing-stream.ts';
import { RtpChannel } from './rtp-channel.ts';
import {
  onlyAesCmSrtp,
  rememberCertificateFingerprints,
  sendDtlsCloseNotify,
  sendRtpWithCodec,
  speedUpDtlsHandshakes,
  withoutFallbackStunServer,
} from './werift-internals.ts';
import { isUsableCandidate, keepUsableCandidates, withoutRtcpFeedback } from './sdp.ts';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface LegOptions {
  /**
   * Addresses announced to the browser as host candidates, one UDP socket each.
   * Default: 127.0.0.1 and every non-internal IPv4 address of this machine.
   */
  announcedAddresses?: string[];
  /** Inclusive UDP port range for the media sockets; any free port by default. */
  portRange?: readonly [number, number];
  /** STUN/TURN servers. None by default: the PBX and its phones share a network. */
  iceServers?: IceServer[];
  /** From the remote description to connected; the leg closes with `connect-timeout` after. Default 15 s. */
  connectTimeoutMs?: number;
  /**
   * Nothing received from the browser (RTP, RTCP or ICE checks) for this long closes the leg
   * with `media-timeout`: a crashed or vanished browser does not say goodbye, and werift's own
   * consent check only gives up after 30 s. Default 6 s (Chromium checks the path every 2.5 s
   * even when it sends no audio); 0 turns it off.
   */
  mediaTimeoutMs?: number;
}

/** An Opus packet received from the browser. */
export interface OpusPacket {
  payload: Buffer;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
}

export type LegCloseReason =
  /** close() was called. */
  | 'local'
  /** The browser closed its peer connection (DTLS close_notify). */
  | 'remote-closed'
  | 'ice-failed'
  | 'connect-timeout'
  | 'media-timeout'
  /** The media worker thread the leg lived on stopped (remote-leg.ts). */
  | 'media-worker-exited';

export interface LegEvents {
  rtp: [packet: OpusPacket];
  /** A key pressed on the phone (RFC 4733 event), reported once, when the key goes down. */
  dtmf: [key: { digit: DtmfDigit }];
  connected: [];
  closed: [reason: LegCloseReason];
}

export interface SendOpusOptions {
  /** Samples at 48 kHz from the previous frame's timestamp to this one's. Default 960 (20 ms). */
  timestampIncrement?: number;
}

export interface SendDtmfOptions {
  /** Tone length per digit. Default 100 ms (as Chromium's RTCDTMFSender). */
  durationMs?: number;
  /** Silence between digits. Default 70 ms. */
  gapMs?: number;
}

export interface LegStats {
  opusPacketsReceived: number;
  opusPacketsSent: number;
  dtmfPacketsReceived: number;
  dtmfPacketsSent: number;
}

const CLOCK_RATE = 48_000;
const FRAME_SAMPLES = 960;
const PACKET_INTERVAL_MS = 20;
/** Payload types the PBX offers; when answering, the browser's are used. Chromium's numbers. */
const OFFERED_OPUS_PAYLOAD_TYPE = 111;
const OFFERED_TELEPHONE_EVENT_PAYLOAD_TYPE = 126;

/** 127.0.0.1 and the machine's non-internal IPv4 addresses. */
export function defaultAnnouncedAddresses(): string[] {
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
  return [...new Set(['127.0.0.1', ...external])];
}

export class Leg extends EventEmitter<LegEvents> {
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #options: Required<Pick<LegOptions, 'connectTimeoutMs' | 'mediaTimeoutMs'>>;
  readonly #outgoing = new OutgoingRtpStream({ clockRate: CLOCK_RATE });
  readonly #dtmfReceivers = new Map<number, TelephoneEventReceiver>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #wakeSleepers = new Set<() => void>();
  #stats: LegStats = { opusPacketsReceived: 0, opusPacketsSent: 0, dtmfPacketsReceived: 0, dtmfPacketsSent: 0 };
  #opusPayloadType: number | undefined;
  #telephoneEvent: RTCRtpCodecParameters | undefined;
  #negotiation: 'none' | 'offered' | 'done' = 'none';
  #pending: Promise<unknown> | undefined;
  #connected = false;
  #closed = false;
  #closeReason: LegCloseReason | undefined;
  #closing: Promise<void> | undefined;
  #lastActivityMs = performance.now();
  #sendingDtmf = false;
  #connectTimer: NodeJS.Timeout | undefined;
  #dtmfQueue: Promise<void> = Promise.resolve();
  /**
   * The audio's own path once connected: SRTP in node:crypto straight on the sockets, a fraction
   * of werift's per-packet cost. Undefined before, and if werift's internals were not as expected
   * (then werift's path carries the audio, as before connecting).
   */
  #channel: RtpChannel | undefined;

  static create(options: LegOptions = {}): Leg {
    return new Leg(options);
  }

  private constructor(options: LegOptions) {
    super();
    this.#options = { connectTimeoutMs: options.connectTimeoutMs ?? 15_000, mediaTimeoutMs: options.mediaTimeoutMs ?? 6_000 };
    // Native X25519, PEM parsed once: a handshake blocks the event loop ~1 ms instead of ~5.
    speedUpDtlsHandshakes();
    this.#pc = new RTCPeerConnection({
      codecs: {
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: CLOCK_RATE,
            channels: 2,
            payloadType: OFFERED_OPUS_PAYLOAD_TYPE,
            parameters: 'minptime=10;useinbandfec=1',
          }),
          // Without telephone-event Chromium's RTCDTMFSender.canInsertDTMF is false.
          new RTCRtpCodecParameters({
            mimeType: 'audio/telephone-event',
            clockRate: CLOCK_RATE,
            payloadType: OFFERED_TELEPHONE_EVENT_PAYLOAD_TYPE,
            parameters: '0-15',
          }),
        ],
        video: [],
      },
      headerExtensions: { audio: [], video: [] },
      // werift's default is Google's STUN server; none here (and see withoutFallbackStunServer).
      iceServers: options.iceServers ?? [],
      // Only the announced addresses: werift would otherwise add every interface but loopback.
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: options.announcedAddresses ?? defaultAnnouncedAddresses(),
      icePortRange: options.portRange ? [options.portRange[0], options.portRange[1]] : undefined,
      iceFilterStunResponse: () => {
        this.#lastActivityMs = performance.now();
        return true;
      },
      bundlePolicy: 'max-bundle',
    });
    // Before any remote description: werift fires the track event inside setRemoteDescription.
    this.#pc.onTrack.subscribe((track) => this.#receiveFrom(track));
    this.#pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.#onConnected();
      else if (state === 'failed') void this.#close('ice-failed');
      else if (state === 'closed') void this.#close('remote-closed');
    });
    this.#transceiver = this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
    const stun = (options.iceServers ?? []).some((server) => [server.urls].flat().some((url) => /^stuns?:/i.test(url)));
    if (!stun) withoutFallbackStunServer(this.#pc);
    // The profile RtpChannel implements (werift would pick AES-GCM).
    onlyAesCmSrtp(this.#pc);
    rememberCertificateFingerprints(this.#pc);
    // The browser's close() arrives as a DTLS alert, which werift 0.24.4 reports on the DTLS
    // transport but not as the peer connection's state.
    this.#transceiver.dtlsTransport.onStateChange.subscribe((state) => {
      if (state === 'closed') void this.#close('remote-closed');
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get closeReason(): LegCloseReason | undefined {
    return this.#closeReason;
  }

  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  get stats(): Readonly<LegStats> {
    return { ...this.#stats };
  }

  /** The browser called: apply its offer and return the answer (with all candidates, no trickle). */
  acceptOffer(offerSdp: string): Promise<string> {
    return this.#signal(async () => {
      if (this.#negotiation !== 'none') throw new Error('Leg: already negotiated (renegotiation is not supported)');
      this.#negotiation = 'done';
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: forWerift(offerSdp) });
      this.#adoptNegotiatedCodecs();
      await this.#pc.setLocalDescription(await this.#pc.createAnswer());
      this.#startConnectTimer();
      return this.#localSdp();
    });
  }

  /** The PBX calls the browser: the offer to send it (with all candidates, no trickle). */
  createOffer(): Promise<string> {
    return this.#signal(async () => {
      if (this.#negotiation !== 'none') throw new Error('Leg: already negotiated (renegotiation is not supported)');
      this.#negotiation = 'offered';
      await this.#pc.setLocalDescription(await this.#pc.createOffer());
      return this.#localSdp();
    });
  }

  /** The browser's answer to `createOffer()`. */
  acceptAnswer(answerSdp: string): Promise<void> {
    return this.#signal(async () => {
      if (this.#negotiation !== 'offered') throw new Error('Leg: acceptAnswer() without createOffer()');
      this.#negotiation = 'done';
      await this.#pc.setRemoteDescription({ type: 'answer', sdp: forWerift(answerSdp) });
      this.#adoptNegotiatedCodecs();
      this.#startConnectTimer();
    });
  }

  /** A candidate the browser trickled (`RTCIceCandidate.candidate`); unusable ones are ignored. */
  async addRemoteCandidate(candidate: string, sdpMid?: string | null, sdpMLineIndex?: number | null): Promise<void> {
    if (this.#closed || !isUsableCandidate(candidate)) return;
    await this.#pc.addIceCandidate({ candidate, sdpMid: sdpMid ?? undefined, sdpMLineIndex: sdpMLineIndex ?? undefined });
  }

  /**
   * Sends one Opus frame. The leg numbers and timestamps it, so a caller may switch sources at
   * any time. Returns false (and sends nothing) before the leg is connected, after it closed,
   * and while a DTMF digit is playing (the digit replaces the audio, as in Chromium).
   */
  sendOpus(payload: Uint8Array, options: SendOpusOptions = {}): boolean {
    if (!this.connected || this.#opusPayloadType === undefined || this.#sendingDtmf) return false;
    const position = this.#outgoing.nextFrame(options.timestampIncrement ?? FRAME_SAMPLES);
    if (this.#channel) {
      const { sequenceNumber, timestamp, marker } = position;
      this.#channel.send({ payloadType: this.#opusPayloadType, sequenceNumber, timestamp, marker, ssrc: this.#transceiver.sender.ssrc }, payload);
    } else {
      const header = new RtpHeader({ payloadType: this.#opusPayloadType, ...position });
      this.#transceiver.sender.sendRtp(new RtpPacket(header, asBuffer(payload))).catch(() => {});
    }
    this.#stats.opusPacketsSent++;
    return true;
  }

  /**
   * Plays DTMF digits (0-9, *, #, A-D) to the browser as RFC 4733 events, one after the other.
   * Resolves when the last digit has been sent, or at once if the leg closes meanwhile.
   */
  sendDtmf(digits: string, options: SendDtmfOptions = {}): Promise<void> {
    const keys = [...digits.toUpperCase()];
    const invalid = keys.find((key) => !isDtmfDigit(key));
    if (invalid !== undefined) return Promise.reject(new Error(`Leg: not a DTMF digit: ${JSON.stringify(invalid)}`));
    const durationMs = options.durationMs ?? 100;
    const gapMs = options.gapMs ?? 70;
    const run = async () => {
      for (const key of keys as DtmfDigit[]) {
        if (!this.connected) return;
        await this.#playKey(key, durationMs);
        await this.#sleep(gapMs);
      }
    };
    this.#dtmfQueue = this.#dtmfQueue.then(run, run);
    return this.#dtmfQueue;
  }

  /** Ends the leg and releases its sockets and timers. Idempotent; resolves when all is released. */
  close(): Promise<void> {
    return this.#close('local');
  }

  // --- internals ---

  async #signal<T>(step: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('Leg: closed');
    const previous = this.#pending;
    const run = (async () => {
      await previous?.catch(() => {});
      if (this.#closed) throw new Error('Leg: closed');
      return step();
    })();
    this.#pending = run;
    try {
      const result = await run;
      if (this.#closed) throw new Error('Leg: closed');
      return result;
    } finally {
      if (this.#pending === run) this.#pending = undefined;
    }
  }

  #localSdp(): string {
    const sdp = this.#pc.localDescription?.sdp;
    if (!sdp) throw new Error('Leg: no local description');
    return sdp;
  }

  /** werift sends with the first negotiated codec's payload type; make sure that is Opus. */
  #adoptNegotiatedCodecs(): void {
    const codecs = this.#transceiver.codecs;
    const opus = codecs.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
    if (!opus) throw new Error('Leg: the browser did not negotiate Opus');
    this.#opusPayloadType = opus.payloadType;
    this.#transceiver.sender.codec = opus;
    // 0.24.4 matches codecs by name only, so both 8 kHz and 48 kHz telephone-event may be
    // negotiated; send with the one matching Opus's clock, receive on all of them.
    const events = codecs.filter((codec) => codec.mimeType.toLowerCase() === 'audio/telephone-event');
    this.#telephoneEvent = events.find((codec) => codec.clockRate === CLOCK_RATE) ?? events[0];
    for (const codec of events) this.#dtmfReceivers.set(codec.payloadType, new TelephoneEventReceiver());
  }

  #receiveFrom(track: MediaStreamTrack): void {
    // werift's path: before the RtpChannel takes over, or if it could not.
    track.onReceiveRtp.subscribe((rtp) => {
      const { header, payload } = rtp;
      this.#onRtp({ payloadType: header.payloadType, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.marker, payload });
    });
    track.onReceiveRtcp.subscribe(() => {
      this.#lastActivityMs = performance.now();
    });
  }

  readonly #onRtp = (packet: Omit<RtpPacketView, 'ssrc'>): void => {
    if (this.#closed) return;
    this.#lastActivityMs = performance.now();
    if (packet.payloadType === this.#opusPayloadType) {
      this.#stats.opusPacketsReceived++;
      // The packet itself: its payload is a view into the datagram, which nothing reuses.
      this.emit('rtp', packet);
      return;
    }
    const receiver = this.#dtmfReceivers.get(packet.payloadType);
    if (!receiver) return;
    this.#stats.dtmfPacketsReceived++;
    const key = receiver.receive(packet.payload, packet.timestamp);
    if (key) this.emit('dtmf', { digit: key.digit });
  };

  #startConnectTimer(): void {
    if (this.#connected || this.#closed) return;
    this.#connectTimer = this.#setTimer(() => {
      if (!this.#connected) void this.#close('connect-timeout');
    }, this.#options.connectTimeoutMs);
  }

  #onConnected(): void {
    if (this.#connected || this.#closed) return;
    this.#connected = true;
    if (this.#connectTimer) {
      clearTimeout(this.#connectTimer);
      this.#timers.delete(this.#connectTimer);
    }
    this.#lastActivityMs = performance.now();
    this.#channel = RtpChannel.open(this.#transceiver.dtlsTransport, this.#onRtp);
    const timeout = this.#options.mediaTimeoutMs;
    if (timeout > 0) {
      const watchdog = setInterval(() => {
        if (performance.now() - this.#lastActivityMs > timeout) void this.#close('media-timeout');
      }, Math.min(500, timeout / 2));
      this.#timers.add(watchdog);
    }
    this.emit('connected');
  }

  /** One key press: its RFC 4733 packets on their schedule, in place of the audio meanwhile. */
  async #playKey(digit: DtmfDigit, durationMs: number): Promise<void> {
    const codec = this.#telephoneEvent;
    if (!codec) throw new Error('Leg: the browser did not negotiate telephone-event');
    const packets = telephoneEventPackets(digit, { durationMs, clockRate: codec.clockRate, packetIntervalMs: PACKET_INTERVAL_MS });
    this.#sendingDtmf = true;
    const timestamp = this.#outgoing.beginEvent(FRAME_SAMPLES);
    const started = performance.now();
    try {
      for (const packet of packets) {
        // Drift-corrected: each packet is due at its offset from the key going down.
        const wait = started + packet.sendAtMs - performance.now();
        if (wait > 1) await this.#sleep(wait);
        if (!this.connected) break;
        const sequenceNumber = this.#outgoing.eventPacket();
        if (this.#channel) {
          this.#channel.send({ payloadType: codec.payloadType, sequenceNumber, timestamp, marker: packet.marker, ssrc: this.#transceiver.sender.ssrc }, packet.payload);
        } else {
          const header = new RtpHeader({ payloadType: codec.payloadType, sequenceNumber, timestamp, marker: packet.marker });
          sendRtpWithCodec(this.#transceiver.sender, codec, new RtpPacket(header, asBuffer(packet.payload)));
        }
        this.#stats.dtmfPacketsSent++;
      }
    } finally {
      this.#outgoing.endEvent(timestamp, Math.round((durationMs * CLOCK_RATE) / 1000));
      this.#sendingDtmf = false;
    }
  }

  #setTimer(callback: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  /** A delay that close() cuts short. */
  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#wakeSleepers.delete(wake);
        resolve();
      };
      this.#wakeSleepers.add(wake);
      this.#setTimer(wake, Math.max(0, ms));
    });
  }

  #close(reason: LegCloseReason): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closeReason = reason;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const wake of [...this.#wakeSleepers]) wake();
    this.#channel?.close();
    this.#closing = (async () => {
      try {
        // A description being applied may still open sockets (candidate gathering): let it
        // finish so that closing the peer connection releases them too.
        await this.#pending?.catch(() => {});
        // Tell the browser at once; otherwise it notices ~6 s later, when its checks fail.
        if (reason !== 'remote-closed') await sendDtlsCloseNotify(this.#transceiver.dtlsTransport);
        await this.#pc.close();
      } finally {
        this.emit('closed', reason);
      }
    })();
    return this.#closing;
  }
}

/**
 * The browser's description as werift should see it. Without RTCP feedback lines: werift
 * answers with the browser's codec objects, feedback included, and would announce
 * transport-cc it does not implement for audio (its receiver then tracks every packet for it).
 */
function forWerift(sdp: string): string {
  return withoutRtcpFeedback(keepUsableCandidates(sdp));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
