// One call's media in the browser: the microphone, the RTCPeerConnection to the PBX, and the remote
// audio played out loud. The browser always makes the offer (audio only, every ICE candidate gathered
// first, no trickle) and the PBX answers it; hold is the PBX's business (it plays the music), so the
// session never renegotiates.
import { AudioMeter, type AudioSnapshot } from './audio-meter.ts';
import { openMicrophone } from './microphone.ts';

/** Loopback and LAN candidates come within milliseconds; past this the offer goes with what it has. */
const ICE_GATHERING_TIMEOUT_MS = 3000;

export interface InboundAudioStats {
  packetsReceived: number;
  packetsLost: number;
  jitter: number;
  concealedSamples: number;
  totalSamplesReceived: number;
}

export interface OutboundAudioStats {
  packetsSent: number;
}

export type MediaState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export class CallSession {
  readonly #pc: RTCPeerConnection;
  readonly #sender: RTCRtpSender;
  #microphone: MediaStream;
  #muted = false;
  #remote: MediaStream | null = null;
  readonly #speaker: HTMLAudioElement;
  #meter: AudioMeter | null = null;
  #closed = false;
  readonly #stateListeners = new Set<(state: MediaState) => void>();

  private constructor(microphone: MediaStream) {
    this.#microphone = microphone;
    // Every candidate the PBX can use is a host candidate; asking a STUN server would only stall.
    this.#pc = new RTCPeerConnection({ iceServers: [] });
    const track = microphone.getAudioTracks()[0];
    if (!track) throw new Error('The microphone gave no audio track');
    this.#sender = this.#pc.addTrack(track, microphone);
    // Chromium only feeds a remote WebRTC stream to WebAudio (the meter) when a media element plays it;
    // this element is also what the person hears.
    this.#speaker = new Audio();
    this.#speaker.autoplay = true;
    this.#pc.addEventListener('track', (event) => {
      this.#remote = event.streams[0] ?? new MediaStream([event.track]);
      this.#speaker.srcObject = this.#remote;
      void this.#speaker.play().catch(() => undefined);
    });
    this.#pc.addEventListener('connectionstatechange', () => {
      const state = this.mediaState;
      for (const listener of this.#stateListeners) listener(state);
    });
  }

  /**
   * Opens the microphone and makes the offer. Throws MicrophoneError (with a sentence to show) when
   * the browser refuses the microphone.
   */
  static async start(options: { microphoneId: string | null }): Promise<{ session: CallSession; offer: string }> {
    const microphone = await openMicrophone(options.microphoneId);
    const session = new CallSession(microphone);
    try {
      const offer = await session.#makeOffer();
      return { session, offer };
    } catch (error) {
      session.close();
      throw error;
    }
  }

  async #makeOffer(): Promise<string> {
    const pc = this.#pc;
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ICE_GATHERING_TIMEOUT_MS);
        function done() {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        }
        function check() {
          if (pc.iceGatheringState === 'complete') done();
        }
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('The browser made no offer');
    return sdp;
  }

  /** Applies the PBX's answer; media flows once ICE and DTLS are done. */
  async accept(answer: string): Promise<void> {
    if (this.#closed) return;
    await this.#pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mediaState(): MediaState {
    if (this.#closed) return 'closed';
    switch (this.#pc.connectionState) {
      case 'connected':
        return 'connected';
      case 'failed':
        return 'failed';
      case 'new':
        return 'new';
      default:
        return 'connecting';
    }
  }

  onMediaState(listener: (state: MediaState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** Muting keeps the track and the connection: the other side hears silence. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    for (const track of this.#microphone.getAudioTracks()) track.enabled = !muted;
  }

  /** Switches microphones in the middle of a call, without renegotiating. */
  async useMicrophone(deviceId: string | null): Promise<void> {
    const microphone = await openMicrophone(deviceId);
    const track = microphone.getAudioTracks()[0];
    if (!track || this.#closed) {
      for (const t of microphone.getTracks()) t.stop();
      return;
    }
    track.enabled = !this.#muted;
    await this.#sender.replaceTrack(track);
    for (const old of this.#microphone.getTracks()) old.stop();
    this.#microphone = microphone;
  }

  /** The device the call's microphone track comes from. */
  get microphoneDeviceId(): string | null {
    return this.#microphone.getAudioTracks()[0]?.getSettings().deviceId ?? null;
  }

  get canSendDigits(): boolean {
    return !this.#closed && !!this.#sender.dtmf?.canInsertDTMF;
  }

  /**
   * Sends keys as RFC 4733 telephone events. insertDTMF replaces what is still queued, so new keys
   * join the queue instead: fast presses all arrive, in order.
   */
  sendDigits(digits: string): boolean {
    const dtmf = this.#sender.dtmf;
    if (!dtmf || !this.canSendDigits) return false;
    dtmf.insertDTMF(dtmf.toneBuffer + digits, 100, 70);
    return true;
  }

  /** What the remote audio sounds like over `ms` milliseconds (a snapshot every 100 ms). */
  async listen(ms: number, probesHz: readonly number[] = []): Promise<AudioSnapshot[]> {
    return this.#ensureMeter().listen(ms, probesHz);
  }

  /** The remote audio's level now, for a "hearing" indicator; null before any audio arrived. */
  level(): number | null {
    if (!this.#remote) return null;
    return this.#ensureMeter().snapshot().rmsDb;
  }

  #ensureMeter(): AudioMeter {
    if (!this.#remote) throw new Error('No audio from the PBX yet');
    this.#meter ??= new AudioMeter(this.#remote);
    return this.#meter;
  }

  async inboundAudio(): Promise<InboundAudioStats | null> {
    for (const stats of (await this.#pc.getStats()).values()) {
      if (stats.type === 'inbound-rtp' && stats.kind === 'audio') {
        return {
          packetsReceived: stats.packetsReceived ?? 0,
          packetsLost: stats.packetsLost ?? 0,
          jitter: stats.jitter ?? 0,
          concealedSamples: stats.concealedSamples ?? 0,
          totalSamplesReceived: stats.totalSamplesReceived ?? 0,
        };
      }
    }
    return null;
  }

  async outboundAudio(): Promise<OutboundAudioStats | null> {
    for (const stats of (await this.#pc.getStats()).values()) {
      if (stats.type === 'outbound-rtp' && stats.kind === 'audio') return { packetsSent: stats.packetsSent ?? 0 };
    }
    return null;
  }

  /** Releases the microphone, the connection and the audio; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const track of this.#microphone.getTracks()) track.stop();
    this.#pc.close();
    this.#speaker.pause();
    this.#speaker.srcObject = null;
    this.#meter?.close();
    for (const listener of this.#stateListeners) listener('closed');
    this.#stateListeners.clear();
  }
}
