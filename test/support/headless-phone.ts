// A phone without a browser, for leak tests and the bench: werift's RTCPeerConnection on loopback,
// socket.io-client on the softphone's namespace (/phone, after a login) or the public caller's
// (/caller), and real Opus audio both ways. Like a browser it always makes the offer (in `dial`
// and in `answer`), sends what its "microphone" gives every 20 ms while the media is up, and
// hangs up its peer connection when the call ends. Audio goes through media/webrtc's RtpChannel
// (SRTP in node:crypto), so hundreds of these fit in one process beside the server.
import { io, type Socket } from 'socket.io-client';
import { RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from 'werift';
import { sineTone } from '../../media/audio/wav.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import type { RtpPacketView } from '../../media/rtp/srtp.ts';
import { telephoneEventPackets } from '../../media/rtp/telephone-event.ts';
import { isDtmfDigit } from '../../media/dtmf-digit.ts';
import { RtpChannel } from '../../media/webrtc/rtp-channel.ts';
import { onlyAesCmSrtp, rememberCertificateFingerprints, speedUpDtlsHandshakes, withoutFallbackStunServer } from '../../media/webrtc/werift-internals.ts';
import type { CallId, CallState, CallUpdate, ClientToServerEvents, IncomingCall, Result, ServerToClientEvents } from '../../server/signaling/protocol.ts';
import { ApiClient } from './api-client.ts';
import { decodeOpus, dominantFrequency } from './tone-analysis.ts';

const CLOCK_RATE = 48_000;
const FRAME_SAMPLES = 960;
const FRAME_MS = 20;
/** Chromium's payload type numbers, as the softphone offers them. */
const OPUS_PAYLOAD_TYPE = 111;
const TELEPHONE_EVENT_PAYLOAD_TYPE = 126;
const LOOPBACK = '127.0.0.1';

export interface HeadlessPhoneOptions {
  /** The server, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** A softphone login (namespace /phone); without one, the public caller page's namespace /caller. */
  login?: { extension: string; password: string };
  /** What the "microphone" says, 20 ms Opus frames played round and round. Default: 1 s of 440 Hz. */
  frames?: Uint8Array[];
  /** Answer every incoming call at once (the offer goes with the answer). */
  autoAnswer?: boolean;
  /** Keep the Opus payloads received, for receivedFrequency(). Default false. */
  keepReceived?: boolean;
  /** Called for every Opus packet received (the bench's latency probe). */
  onReceive?: (payload: Buffer, sequenceNumber: number) => void;
  /** Called for every Opus packet sent, with the index of its frame in `frames`. */
  onSend?: (frameIndex: number) => void;
}

/** What the phone heard, and how much was missing, since the last resetCounters(). */
export interface ReceiveCounters {
  packets: number;
  /** Sequence numbers skipped over (never received): RTP loss as a receiver sees it. */
  lost: number;
  /** Opus packets sent. */
  sent: number;
}

/** One call's timestamps (performance.now(), ms), for setup times. */
export interface CallTimes {
  /** dial() or answer() called (the offer is made after). */
  started: number;
  /** The offer went to the server (`dial` or `answer` sent). */
  requested?: number;
  /** The call-update `connected` arrived. */
  connected?: number;
  /** The peer connection (ICE + DTLS) connected. */
  mediaConnected?: number;
  ended?: number;
}

/** Counts packets and gaps from 16-bit sequence numbers, extended across wraps. */
class SequenceCounter {
  packets = 0;
  #first: number | undefined;
  #highest: number | undefined;

  push(sequenceNumber: number): void {
    this.packets++;
    if (this.#highest === undefined) {
      this.#first = this.#highest = sequenceNumber;
      return;
    }
    const delta = (((sequenceNumber - this.#highest) & 0xffff) << 16) >> 16;
    if (delta > 0) this.#highest += delta;
  }

  get lost(): number {
    if (this.#highest === undefined) return 0;
    return Math.max(0, this.#highest - this.#first! + 1 - this.packets);
  }

  reset(): void {
    this.packets = 0;
    if (this.#highest !== undefined) this.#first = this.#highest + 1;
  }
}

interface ActiveCall {
  callId: CallId | undefined;
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver;
  channel: RtpChannel | undefined;
  opusPayloadType: number;
  /** The answer's telephone-event format, if it has one (RFC 4733 keys). */
  telephoneEvent: { payloadType: number; clockRate: number } | undefined;
  times: CallTimes;
  ended: boolean;
}

export class HeadlessPhone {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Every call-update received, in order. */
  readonly updates: CallUpdate[] = [];
  /** Every incoming call seen, in order. */
  readonly incoming: IncomingCall[] = [];
  readonly #options: HeadlessPhoneOptions;
  #frames: Uint8Array[];
  readonly #received = new SequenceCounter();
  readonly #keptPayloads: Buffer[] = [];
  readonly #waiters = new Set<() => void>();
  #sent = 0;
  #call: ActiveCall | undefined;
  #lastTimes: CallTimes | undefined;
  #sender: { timer: NodeJS.Timeout | undefined; stop(): void } | undefined;
  #outgoing = { sequenceNumber: Math.floor(Math.random() * 0x10000), timestamp: Math.floor(Math.random() * 0x7fffffff), frame: 0 };
  #closed = false;
  /** Key presses waiting to go out, one RFC 4733 packet (or one frame of gap) per 20 ms tick. */
  #keyQueue: ({ type: 'event'; payload: Uint8Array; first: boolean } | { type: 'gap' } | { type: 'done'; resolve: () => void })[] = [];
  #eventTimestamp = 0;
  /** Set while sayOnce() plays: resolved when its last frame has gone out. */
  #sayingOnce: { resolve: () => void } | undefined;
  /** The current call's id, or the last one's: waitState() still finds it after the call ended. */
  #lastCallId: CallId | undefined;

  /** Logs in (with `login`), connects the signaling and resolves once the server accepted it. */
  static async connect(options: HeadlessPhoneOptions): Promise<HeadlessPhone> {
    let cookie = '';
    if (options.login) {
      const api = new ApiClient(options.baseUrl);
      const response = await api.post('/api/phone/session', options.login);
      if (response.status !== 200) throw new Error(`login ${options.login.extension}: ${response.status} ${JSON.stringify(response.body)}`);
      cookie = api.cookie;
    }
    const phone = new HeadlessPhone(options, cookie);
    await new Promise<void>((resolve, reject) => {
      phone.socket.once('connect', () => resolve());
      phone.socket.once('connect_error', (error) => reject(error));
    });
    return phone;
  }

  private constructor(options: HeadlessPhoneOptions, cookie: string) {
    this.#options = options;
    this.#frames = options.frames ?? toneFrames(440, 1);
    const namespace = options.login ? '/phone' : '/caller';
    this.socket = io(options.baseUrl + namespace, {
      transports: ['websocket'],
      extraHeaders: cookie ? { cookie } : {},
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('incoming', (call) => {
      this.incoming.push(call);
      this.#wake();
      if (this.#options.autoAnswer) void this.answer(call.callId).catch(() => {});
    });
    this.socket.on('call-update', (update) => this.#onUpdate(update));
  }

  /** The current call's id, once the server gave one. */
  /**
   * From the next frame on, the microphone says `frames` (round and round), as a person who starts
   * talking, stops, or presses a key whose tone goes out as sound.
   */
  say(frames: Uint8Array[]): void {
    if (frames.length === 0) throw new Error('say: no frames');
    this.#sayingOnce?.resolve();
    this.#sayingOnce = undefined;
    this.#frames = frames;
    this.#outgoing.frame = 0;
  }

  /** Says `frames` once, then silence; resolves when the last frame has been sent (or the call ended). */
  sayOnce(frames: Uint8Array[]): Promise<void> {
    this.say(frames);
    return new Promise((resolve) => {
      this.#sayingOnce = { resolve };
    });
  }

  /**
   * Presses keys as RFC 4733 telephone-events, as a browser's RTCDTMFSender does: each key held
   * `durationMs`, then `gapMs` of sound before the next. Resolves once the last has been sent.
   */
  pressKeys(keys: string, options: { durationMs?: number; gapMs?: number } = {}): Promise<void> {
    const call = this.#call;
    if (!call?.telephoneEvent) return Promise.reject(new Error('HeadlessPhone: no call with telephone-event to press keys in'));
    const durationMs = options.durationMs ?? 100;
    const gapFrames = Math.max(1, Math.round((options.gapMs ?? 100) / FRAME_MS));
    for (const key of keys) {
      if (!isDtmfDigit(key)) return Promise.reject(new Error(`HeadlessPhone: "${key}" is not a key`));
      const packets = telephoneEventPackets(key, { durationMs, clockRate: call.telephoneEvent.clockRate, packetIntervalMs: FRAME_MS });
      packets.forEach((packet, index) => this.#keyQueue.push({ type: 'event', payload: packet.payload, first: index === 0 }));
      for (let i = 0; i < gapFrames; i++) this.#keyQueue.push({ type: 'gap' });
    }
    return new Promise((resolve) => this.#keyQueue.push({ type: 'done', resolve }));
  }

  get callId(): CallId | undefined {
    return this.#call?.callId;
  }

  /** The current (or else the last) call's timestamps. */
  get times(): CallTimes | undefined {
    return this.#call?.times ?? this.#lastTimes;
  }

  /** The latest state the server gave for the current call, or for `callId`. */
  state(callId = this.#call?.callId): CallState | undefined {
    if (!callId) return undefined;
    for (let i = this.updates.length - 1; i >= 0; i--) if (this.updates[i]!.callId === callId) return this.updates[i]!.state;
    return undefined;
  }

  get mediaConnected(): boolean {
    return this.#call?.channel !== undefined && !this.#call.ended;
  }

  /** Calls `to` (an extension, or an incoming number on /caller). Resolves with the call id; throws if refused. */
  async dial(to: string): Promise<CallId> {
    if (this.#call) throw new Error('HeadlessPhone: already in a call');
    const call = this.#newCall();
    const offer = await this.#offer(call);
    const result = await this.#request<{ callId: CallId; answer: string }>('dial', { to, offer });
    if (!result.ok) {
      this.#endCall(call);
      throw new Error(result.error);
    }
    call.callId = this.#lastCallId = result.callId;
    await call.pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(result.answer) });
    this.#adoptCodecs(call);
    if (this.state(result.callId) === 'ended') this.#endCall(call);
    this.#wake();
    return result.callId;
  }

  /** Answers a ringing call (the latest one seen, by default) with a fresh offer. Throws if refused. */
  async answer(callId: CallId | undefined = this.incoming.at(-1)?.callId): Promise<void> {
    if (!callId) throw new Error('HeadlessPhone: nothing to answer');
    if (this.#call) throw new Error('HeadlessPhone: already in a call');
    const call = this.#newCall();
    call.callId = this.#lastCallId = callId;
    const offer = await this.#offer(call);
    const result = await this.#request<{ answer: string }>('answer', { callId, offer });
    if (!result.ok) {
      this.#endCall(call);
      throw new Error(result.error);
    }
    await call.pc.setRemoteDescription({ type: 'answer', sdp: loopbackOnly(result.answer) });
    this.#adoptCodecs(call);
    if (this.state(callId) === 'ended') this.#endCall(call);
  }

  reject(callId: CallId | undefined = this.incoming.at(-1)?.callId): void {
    if (callId) this.socket.emit('reject', { callId });
  }

  /** Hangs up the current call (a ringing outgoing one included) and closes its media at once, as a browser does. */
  hangup(): void {
    const call = this.#call;
    if (!call) return;
    if (call.callId) this.socket.emit('hangup', { callId: call.callId });
    this.#endCall(call);
  }

  /** Puts the current call on hold (the other side hears the music on hold), or takes it off. Throws if refused. */
  async hold(on: boolean): Promise<void> {
    const callId = this.#call?.callId;
    if (!callId) throw new Error('HeadlessPhone: no call to hold');
    const result = await new Promise<Result<object>>((resolve) => this.socket.emit('hold', { callId, hold: on }, resolve));
    if (!result.ok) throw new Error(result.error);
  }

  /** Resolves when `predicate` holds: checked on every signaling event and media change, and every 10 ms. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(check);
      };
      const check = () => {
        if (!predicate()) return;
        finish();
        resolve();
      };
      const poll = setInterval(check, 10);
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`HeadlessPhone: no ${what} within ${timeoutMs} ms (updates: ${JSON.stringify(this.updates.slice(-3))})`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Waits for the call-update `state` of the current call (or of `callId`); returns that update. */
  async waitState(state: CallState, timeoutMs = 10_000, callId?: CallId): Promise<CallUpdate> {
    const find = () => this.updates.find((u) => u.callId === (callId ?? this.#lastCallId) && u.state === state);
    await this.waitFor(() => find() !== undefined, timeoutMs, `call-update ${state}`);
    return find()!;
  }

  /** Waits for a call to ring on this phone; returns it. */
  async waitIncoming(timeoutMs = 10_000, after = 0): Promise<IncomingCall> {
    await this.waitFor(() => this.incoming.length > after, timeoutMs, 'incoming call');
    return this.incoming[after]!;
  }

  waitMediaConnected(timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.mediaConnected, timeoutMs, 'media connection');
  }

  /** Packets received and lost (from sequence numbers), packets sent, since the last reset. */
  counters(): ReceiveCounters {
    return { packets: this.#received.packets, lost: this.#received.lost, sent: this.#sent };
  }

  resetCounters(): void {
    this.#received.reset();
    this.#sent = 0;
    this.#keptPayloads.length = 0;
  }

  /** The last `count` Opus payloads received (needs `keepReceived`). */
  receivedPayloads(count: number): Buffer[] {
    return this.#keptPayloads.slice(-count);
  }

  /** The loudest frequency (Hz) in the last `ms` of audio received (needs `keepReceived`). */
  receivedFrequency(ms = 500): number {
    const payloads = this.#keptPayloads.slice(-Math.ceil(ms / FRAME_MS));
    if (payloads.length === 0) return 0;
    return dominantFrequency(decodeOpus(payloads), CLOCK_RATE);
  }

  /** Hangs up, disconnects the signaling and closes the peer connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const call = this.#call;
    if (call) {
      if (call.callId && !call.ended) this.socket.emit('hangup', { callId: call.callId });
      this.#endCall(call);
      await call.pc.close().catch(() => {});
    }
    this.socket.disconnect();
  }

  // --- internals ---

  #newCall(): ActiveCall {
    const { pc, transceiver } = loopbackPeerConnection();
    const call: ActiveCall = { callId: undefined, pc, transceiver, channel: undefined, opusPayloadType: OPUS_PAYLOAD_TYPE, telephoneEvent: undefined, times: { started: performance.now() }, ended: false };
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.#onMediaConnected(call);
    });
    this.#call = call;
    return call;
  }

  async #offer(call: ActiveCall): Promise<string> {
    await call.pc.setLocalDescription(await call.pc.createOffer());
    const sdp = call.pc.localDescription?.sdp;
    if (!sdp) throw new Error('HeadlessPhone: no local description');
    return sdp;
  }

  #adoptCodecs(call: ActiveCall): void {
    const opus = call.transceiver.codecs.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
    if (opus) call.opusPayloadType = opus.payloadType;
    const events = call.transceiver.codecs.filter((codec) => codec.mimeType.toLowerCase() === 'audio/telephone-event');
    const event = events.find((codec) => codec.clockRate === CLOCK_RATE) ?? events[0];
    if (event) call.telephoneEvent = { payloadType: event.payloadType, clockRate: event.clockRate };
  }

  #onMediaConnected(call: ActiveCall): void {
    if (call.ended || this.#call !== call || call.channel) return;
    const channel = RtpChannel.open(call.transceiver.dtlsTransport, (packet) => this.#onRtp(call, packet));
    if (!channel) throw new Error('HeadlessPhone: SRTP profile is not AES_CM_128_HMAC_SHA1_80');
    call.channel = channel;
    call.times.mediaConnected = performance.now();
    this.#startSending(call);
    this.#wake();
  }

  #onRtp(call: ActiveCall, packet: RtpPacketView): void {
    if (packet.payloadType !== call.opusPayloadType) return;
    this.#received.push(packet.sequenceNumber);
    if (this.#options.keepReceived) this.#keptPayloads.push(Buffer.from(packet.payload));
    this.#options.onReceive?.(packet.payload, packet.sequenceNumber);
  }

  /** One frame every 20 ms, each due at its own time from the start (late timers do not add up). */
  #startSending(call: ActiveCall): void {
    this.#sender?.stop();
    const ssrc = call.transceiver.sender.ssrc;
    const started = performance.now();
    let sent = 0;
    const sender = {
      timer: undefined as NodeJS.Timeout | undefined,
      stop: () => {
        if (sender.timer) clearTimeout(sender.timer);
        sender.timer = undefined;
      },
    };
    const tick = () => {
      if (call.ended || !call.channel) return;
      let due = started + sent * FRAME_MS;
      // After a long stall, skip ahead rather than bursting what was missed.
      if (performance.now() - due > 10 * FRAME_MS) sent = Math.floor((performance.now() - started) / FRAME_MS);
      const outgoing = this.#outgoing;
      for (let next = this.#keyQueue[0]; next?.type === 'done'; next = this.#keyQueue[0]) {
        this.#keyQueue.shift();
        next.resolve();
      }
      const key = this.#keyQueue.shift();
      if (key?.type === 'event' && call.telephoneEvent) {
        // Every packet of one press carries the timestamp of the moment the key went down.
        if (key.first) this.#eventTimestamp = outgoing.timestamp;
        const header = { payloadType: call.telephoneEvent.payloadType, sequenceNumber: outgoing.sequenceNumber, timestamp: this.#eventTimestamp, ssrc, marker: key.first };
        call.channel.send(header, key.payload);
      } else {
        if (this.#sayingOnce && outgoing.frame >= this.#frames.length) {
          this.#frames = [silentOpusFrame()];
          outgoing.frame = 0;
          this.#sayingOnce.resolve();
          this.#sayingOnce = undefined;
        }
        const frameIndex = outgoing.frame % this.#frames.length;
        outgoing.frame++;
        const header = { payloadType: call.opusPayloadType, sequenceNumber: outgoing.sequenceNumber, timestamp: outgoing.timestamp, ssrc, marker: sent === 0 };
        if (call.channel.send(header, this.#frames[frameIndex]!)) {
          this.#sent++;
          this.#options.onSend?.(frameIndex);
        }
      }
      outgoing.sequenceNumber = (outgoing.sequenceNumber + 1) & 0xffff;
      outgoing.timestamp = (outgoing.timestamp + FRAME_SAMPLES) >>> 0;
      sent++;
      due = started + sent * FRAME_MS;
      sender.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    this.#sender = sender;
    tick();
  }

  #onUpdate(update: CallUpdate): void {
    this.updates.push(update);
    const call = this.#call;
    if (call && update.callId === call.callId) {
      if (update.state === 'connected') call.times.connected ??= performance.now();
      if (update.state === 'ended') this.#endCall(call);
    }
    this.#wake();
  }

  #endCall(call: ActiveCall): void {
    if (call.ended) return;
    call.ended = true;
    call.times.ended = performance.now();
    if (this.#sender) this.#sender.stop();
    this.#sender = undefined;
    this.#sayingOnce?.resolve();
    this.#sayingOnce = undefined;
    for (const pending of this.#keyQueue.splice(0)) if (pending.type === 'done') pending.resolve();
    call.channel?.close();
    void call.pc.close().catch(() => {});
    if (this.#call === call) {
      this.#lastTimes = call.times;
      this.#call = undefined;
    }
    this.#wake();
  }

  #request<T extends object>(event: 'dial' | 'answer', payload: unknown): Promise<Result<T>> {
    if (this.#call) this.#call.times.requested = performance.now();
    return new Promise((resolve) => {
      (this.socket.emit as (event: string, payload: unknown, ack: (result: Result<T>) => void) => void)(event, payload, resolve);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/**
 * A browser-like peer connection on loopback: Opus and telephone-event offered as Chromium does,
 * 127.0.0.1 only, no STUN, AES_CM_128_HMAC_SHA1_80 (configured as media/webrtc/leg.ts does).
 */
export function loopbackPeerConnection(): { pc: RTCPeerConnection; transceiver: RTCRtpTransceiver } {
  speedUpDtlsHandshakes();
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: CLOCK_RATE, channels: 2, payloadType: OPUS_PAYLOAD_TYPE, parameters: 'minptime=10;useinbandfec=1' }),
        new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: CLOCK_RATE, payloadType: TELEPHONE_EVENT_PAYLOAD_TYPE, parameters: '0-15' }),
      ],
      video: [],
    },
    headerExtensions: { audio: [], video: [] },
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [LOOPBACK],
    bundlePolicy: 'max-bundle',
  });
  const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
  withoutFallbackStunServer(pc);
  onlyAesCmSrtp(pc);
  rememberCertificateFingerprints(pc);
  return { pc, transceiver };
}

/** The answer's candidates on loopback only: a loopback peer listens on nothing else. */
export function loopbackOnly(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === LOOPBACK)
    .join(eol);
}

let silentFrame: Uint8Array | undefined;
/** One 20 ms Opus frame of silence, encoded on first use. */
function silentOpusFrame(): Uint8Array {
  silentFrame ??= encodeOpusClip(new Float32Array(FRAME_SAMPLES)).frames[0]!;
  return silentFrame;
}

/** 20 ms Opus frames of a sine tone, encoded once (share them between phones). */
export function toneFrames(frequencyHz: number, seconds: number, amplitude = 0.5): Uint8Array[] {
  return encodeOpusClip(sineTone(frequencyHz, seconds, CLOCK_RATE, amplitude)).frames;
}
