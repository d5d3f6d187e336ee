// The real media plane behind the call engine's ports: one werift Leg per browser (on the media
// worker thread in the server), prompts and loops from the shared Player, and the other party
// relayed packet by packet without decoding (a relay per direction, so hold can silence one
// direction alone; legs and relays both live where the LegFactory keeps them).
import type { Mp3Streams } from '../../media/codec/mp3-streams.ts';
import { conferenceTone } from '../../media/audio/conference-tones.ts';
import { encodeOpusClip } from '../../media/codec/opus-clip.ts';
import { OPUS_SAMPLE_RATE, OpusDecoder } from '../../media/codec/opus.ts';
import { OpusDtmfListener } from '../../media/dsp/opus-dtmf-listener.ts';
import type { OpusPacket } from '../../media/webrtc/leg.ts';
import type { LegFactory, MediaLeg } from '../../media/webrtc/media-leg.ts';
import type { ConferenceMixing } from '../../media/mixer/conference-rooms.ts';
import type { OpusClip } from '../../media/codec/opus-clip.ts';
import type { LoopTrack, Player } from '../../media/player/player.ts';
import { Recorder, RECORDER_SOUND_RATE } from '../../media/recorder/recorder.ts';
import type { ActiveRecording, CallLeg, ConferenceMembership, ConferenceTone, LegSource, MediaPlane, Playable, PromptName } from '../calls/ports.ts';
import type { PromptLibrary } from './prompt-library.ts';

/** A key reported both as an RFC 4733 event and as sound within this time is one press. */
const SAME_PRESS_MS = 250;

export interface WebrtcMediaPlaneOptions {
  /** Where legs come from: the media worker thread (MediaWorker), or this thread (LocalLegs). */
  legs: LegFactory;
  player: Player;
  prompts: PromptLibrary;
  ringback: LoopTrack;
  /** The music on hold in force now (it changes when new music is applied). */
  musicOnHold: () => LoopTrack;
  /** An incoming number's waiting music (rendered when applied); null: the ringback tone. */
  waitingMusic?: (incomingNumberId: string) => LoopTrack | null;
  beep: OpusClip;
  /** The audio of an audio message, or null when it has none (yet). */
  audioMessageClip: (audioMessageId: string) => OpusClip | null;
  /** A stored recording (Ogg Opus file) as a clip. */
  recordingClip: (path: string) => Promise<OpusClip>;
  /** Where recordings make their MP3 as the caller speaks (the voicemail notices finish them). */
  mp3Streams?: Mp3Streams;
  /** Where conference rooms are mixed: beside the legs (the MediaWorker, or ConferenceRooms with LocalLegs). */
  conferences: ConferenceMixing;
}

/** The rooms' join and leave sounds, for the one member left alone (the mix has nobody to play them to it). */
const conferenceToneClips = new Map<ConferenceTone, OpusClip>();
function conferenceToneClip(tone: ConferenceTone): OpusClip {
  let clip = conferenceToneClips.get(tone);
  if (!clip) conferenceToneClips.set(tone, (clip = encodeOpusClip(conferenceTone(tone, OPUS_SAMPLE_RATE))));
  return clip;
}

let nextLeg = 1;

class WebrtcCallLeg implements CallLeg {
  readonly id = `leg-${nextLeg++}`;
  /** Stops whatever this leg hears now. */
  #stopSource: () => void = () => {};
  readonly #send = (frame: Uint8Array) => {
    this.leg.sendOpus(frame);
  };
  readonly #digitListeners = new Set<(digit: string) => void>();
  readonly #inBandListeners = new Set<(digit: string) => void>();
  #inBand: { listener: OpusDtmfListener; stop: () => void } | null = null;
  /**
   * What the caller says, decoded once per packet for everyone who needs the sound: while a
   * voicemail is recorded, its silence check and in-band DTMF both do (decoding is most of what
   * recording costs).
   */
  readonly #soundListeners = new Set<SoundListener>();
  #sound: { decoder: OpusDecoder; onRtp: (packet: OpusPacket) => void } | null = null;
  /** The recording in progress, told about keys heard as sound (their tones may be cut from its end). */
  #recorder: Recorder | null = null;
  #lastDigit = { digit: '', atMs: -Infinity, inBand: false };
  /** In a conference room (its audio is in the room's mix). */
  #inRoom = false;

  constructor(
    readonly leg: MediaLeg,
    private readonly options: WebrtcMediaPlaneOptions,
  ) {}

  get closed(): boolean {
    return this.leg.closed;
  }

  hear(source: LegSource): void {
    this.#stopSource();
    this.#stopSource = () => {};
    if (this.closed) return;
    switch (source.type) {
      case 'silence':
        return;
      case 'ringback':
        this.#stopSource = this.options.player.listen(this.options.ringback, this.#send);
        return;
      case 'music-on-hold':
        this.#stopSource = this.options.player.listen(this.options.musicOnHold(), this.#send);
        return;
      case 'waiting-music':
        this.#stopSource = this.options.player.listen(this.options.waitingMusic?.(source.incomingNumberId) ?? this.options.ringback, this.#send);
        return;
      case 'party': {
        const relay = this.options.legs.relay((source.leg as WebrtcCallLeg).leg, this.leg);
        this.#stopSource = () => relay.close();
        return;
      }
      case 'conference': {
        if (!this.#inRoom) return;
        const { conferences } = this.options;
        conferences.hear(this.leg, true);
        this.#stopSource = () => {
          if (this.#inRoom) conferences.hear(this.leg, false);
        };
        return;
      }
    }
  }

  /** In room `roomId`'s mix from now on; it hears the room once told to (hear conference). */
  joinRoom(roomId: string): ConferenceMembership {
    const { conferences } = this.options;
    conferences.join(roomId, this.leg);
    this.#inRoom = true;
    let left = false;
    return {
      announce: (tone) => {
        if (!left) conferences.announce(this.leg, tone);
      },
      leave: () => {
        if (left) return;
        left = true;
        this.#inRoom = false;
        conferences.leave(this.leg);
      },
    };
  }

  async play(prompt: PromptName): Promise<void> {
    await this.playItem({ type: 'prompt', name: prompt });
  }

  async playItem(item: Playable): Promise<boolean> {
    this.#stopSource();
    this.#stopSource = () => {};
    if (this.closed) return false;
    const clip = await this.#clipOf(item);
    if (!clip || this.closed) return false;
    if (!this.leg.connected && !(await this.#untilConnected())) return false;
    const playback = this.options.player.play(clip, this.#send);
    this.#stopSource = () => playback.stop();
    await playback.done;
    return true;
  }

  /**
   * A prompt sent before the browser's media is up would be lost: its start on a fast connection,
   * all of a short prompt on a slow one (seen with the call-flow runner under load). The engine
   * plays the first prompt as soon as the call is accepted, so a prompt waits for the connection.
   * False if the leg closed, or was told to hear something else, first.
   */
  #untilConnected(): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (connected: boolean) => {
        this.leg.off('connected', onConnected);
        this.leg.off('closed', onClosed);
        resolve(connected);
      };
      const onConnected = () => finish(true);
      const onClosed = () => finish(false);
      this.leg.on('connected', onConnected);
      this.leg.on('closed', onClosed);
      this.#stopSource = () => finish(false);
    });
  }

  async record(path: string, options: { silenceSeconds: number }): Promise<ActiveRecording> {
    const recorder = await Recorder.toFile(path, { silenceSeconds: options.silenceSeconds, comments: { TITLE: 'Voicemail' }, mp3Streams: this.options.mp3Streams });
    const stopListening = this.#listenToSound((packet, pcm) => recorder.push(packet.payload, packet.timestamp, pcm));
    this.#recorder = recorder;
    return {
      onSilence: (listener) => recorder.onSilence(listener),
      get elapsedMs() {
        return recorder.elapsedMs;
      },
      stop: () => {
        stopListening();
        if (this.#recorder === recorder) this.#recorder = null;
        return recorder.close();
      },
    };
  }

  #clipOf(item: Playable): OpusClip | null | Promise<OpusClip> {
    switch (item.type) {
      case 'prompt':
        return this.options.prompts.clip(item.name);
      case 'spoken':
        return this.options.prompts.spoken(item.value);
      case 'beep':
        return this.options.beep;
      case 'conference-tone':
        return conferenceToneClip(item.tone);
      case 'audio-message':
        return this.options.audioMessageClip(item.audioMessageId);
      case 'recording':
        return this.options.recordingClip(item.path);
    }
  }

  onDigit(listener: (digit: string) => void, options: { inBand?: boolean } = {}): () => void {
    if (this.#digitListeners.size === 0) this.leg.on('dtmf', this.#onEventDigit);
    this.#digitListeners.add(listener);
    if (options.inBand) {
      this.#inBandListeners.add(listener);
      this.#startInBand();
    }
    return () => {
      this.#digitListeners.delete(listener);
      this.#inBandListeners.delete(listener);
      if (this.#digitListeners.size === 0) this.leg.off('dtmf', this.#onEventDigit);
      if (this.#inBandListeners.size === 0) this.#stopInBand();
    };
  }

  sendDigits(digits: string): void {
    void this.leg.sendDtmf(digits).catch(() => {});
  }

  onLost(listener: (reason: string) => void): () => void {
    const onClosed = (reason: string) => {
      if (reason !== 'local') listener(reason);
    };
    this.leg.on('closed', onClosed);
    return () => this.leg.off('closed', onClosed);
  }

  close(): void {
    this.#stopSource();
    this.#stopSource = () => {};
    this.#stopInBand();
    this.#stopSound();
    this.#digitListeners.clear();
    this.#inBandListeners.clear();
    void this.leg.close();
  }

  readonly #onEventDigit = ({ digit }: { digit: string }) => this.#deliverDigit(digit, false, this.#digitListeners);

  #deliverDigit(digit: string, inBand: boolean, listeners: Set<(digit: string) => void>): void {
    const now = performance.now();
    const last = this.#lastDigit;
    if (last.digit === digit && last.inBand !== inBand && now - last.atMs < SAME_PRESS_MS) return;
    this.#lastDigit = { digit, atMs: now, inBand };
    for (const listener of [...listeners]) listener(digit);
  }

  #startInBand(): void {
    if (this.#inBand) return;
    const listener = new OpusDtmfListener();
    const stop = this.#listenToSound((packet, pcm) => {
      for (const key of listener.push(packet.payload, pcm)) {
        this.#recorder?.keyToneHeard(key.soundingMs);
        this.#deliverDigit(key.digit, true, this.#inBandListeners);
      }
    });
    this.#inBand = { listener, stop };
  }

  #stopInBand(): void {
    this.#inBand?.stop();
    this.#inBand?.listener.close();
    this.#inBand = null;
  }

  #listenToSound(listener: SoundListener): () => void {
    if (!this.#sound) {
      const decoder = new OpusDecoder({ sampleRate: RECORDER_SOUND_RATE });
      const onRtp = (packet: OpusPacket) => {
        let pcm: Int16Array;
        try {
          pcm = decoder.decodePcm16(packet.payload);
        } catch {
          pcm = decoder.decodeLostPcm16(); // a packet libopus refuses still goes into the recording
        }
        for (const each of [...this.#soundListeners]) each(packet, pcm);
      };
      this.leg.on('rtp', onRtp);
      this.#sound = { decoder, onRtp };
    }
    this.#soundListeners.add(listener);
    return () => {
      this.#soundListeners.delete(listener);
      if (this.#soundListeners.size === 0) this.#stopSound();
    };
  }

  #stopSound(): void {
    this.#soundListeners.clear();
    if (!this.#sound) return;
    this.leg.off('rtp', this.#sound.onRtp);
    this.#sound.decoder.close();
    this.#sound = null;
  }
}

/**
 * A received Opus packet and its sound: 16-bit mono at 24 kHz, what the recorder (its MP3) and the
 * DTMF listener both take; libopus decodes to it directly, with no float copy per packet.
 */
type SoundListener = (packet: OpusPacket, pcm: Int16Array) => void;

export class WebrtcMediaPlane implements MediaPlane {
  readonly #openLegs = new Set<MediaLeg>();

  constructor(private readonly options: WebrtcMediaPlaneOptions) {}

  /** Legs not closed yet: after every call has ended this must be 0 (the leak test checks it). */
  get openLegs(): number {
    return this.#openLegs.size;
  }

  joinConference(roomId: string, leg: CallLeg): ConferenceMembership {
    // The engine may hand a traced Proxy of the leg: joinRoom runs on the leg itself.
    return (leg as WebrtcCallLeg).joinRoom(roomId);
  }

  async answer(offer: string): Promise<{ leg: CallLeg; answer: string }> {
    const leg = this.options.legs.create();
    this.#openLegs.add(leg);
    leg.once('closed', () => this.#openLegs.delete(leg));
    try {
      const answer = await leg.acceptOffer(offer);
      return { leg: new WebrtcCallLeg(leg, this.options), answer };
    } catch (error) {
      await leg.close();
      throw error;
    }
  }
}
