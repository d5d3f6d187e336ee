// Conference rooms on the thread where the legs are (the media worker): each room a ConferenceMixer
// fed straight from its legs' received packets and sending straight to them, all rooms on one
// MixerClock. Decoded audio never leaves this thread; the PBX's main thread only says who joins,
// who hears the mix, which tone to play, and who leaves (through ConferenceMixing).
import { conferenceTone, type ConferenceTone } from '../audio/conference-tones.ts';
import { OPUS_SAMPLE_RATE } from '../codec/opus.ts';
import { float32ToInt16 } from '../dsp/samples.ts';
import type { OpusPacket } from '../webrtc/leg.ts';
import type { MediaLeg } from '../webrtc/media-leg.ts';
import { ConferenceMixer, type ConferenceMixerOptions } from './conference-mixer.ts';
import { MixerClock, type MixerClockStats } from './mixer-clock.ts';

export type { ConferenceTone };

/** What the PBX asks of conference rooms, wherever the legs live (this thread, or the media worker). */
export interface ConferenceMixing {
  /** Puts the leg in room `roomId` (made at its first member): the others hear it; it hears them after hear(leg, true). */
  join(roomId: string, leg: MediaLeg): void;
  /** Whether the leg is sent the room's mix; off while it hears something else (music while alone). */
  hear(leg: MediaLeg, on: boolean): void;
  /** Every other member hears `tone` over the voices. */
  announce(leg: MediaLeg, tone: ConferenceTone): void;
  /** Out of its room (a room without members is gone). A leg that closes leaves by itself. */
  leave(leg: MediaLeg): void;
}

export interface ConferenceRoomsStats extends MixerClockStats {
  rooms: number;
  participants: number;
}

interface Membership {
  roomId: string;
  id: string;
  mixer: ConferenceMixer;
  onRtp: (packet: OpusPacket) => void;
  onClosed: () => void;
}

let nextParticipant = 1;

export class ConferenceRooms implements ConferenceMixing {
  readonly #rooms = new Map<string, ConferenceMixer>();
  readonly #members = new Map<MediaLeg, Membership>();
  readonly #clock: MixerClock;
  readonly #mixerOptions: ConferenceMixerOptions;
  readonly #tones = new Map<ConferenceTone, Int16Array>();

  constructor(options: { clock?: MixerClock; mixer?: ConferenceMixerOptions } = {}) {
    this.#clock = options.clock ?? new MixerClock();
    this.#mixerOptions = options.mixer ?? {};
  }

  join(roomId: string, leg: MediaLeg): void {
    if (leg.closed) return;
    this.leave(leg);
    let mixer = this.#rooms.get(roomId);
    if (!mixer) {
      mixer = new ConferenceMixer(this.#mixerOptions);
      this.#rooms.set(roomId, mixer);
      this.#clock.add(mixer);
    }
    const id = `p${nextParticipant++}`;
    const room = mixer;
    mixer.add(id, (frame) => {
      leg.sendOpus(frame);
    });
    mixer.setListening(id, false);
    const membership: Membership = {
      roomId,
      id,
      mixer,
      onRtp: (packet) => room.receive(id, packet.payload, packet.sequenceNumber),
      onClosed: () => this.leave(leg),
    };
    leg.on('rtp', membership.onRtp);
    leg.once('closed', membership.onClosed);
    this.#members.set(leg, membership);
  }

  hear(leg: MediaLeg, on: boolean): void {
    const membership = this.#members.get(leg);
    membership?.mixer.setListening(membership.id, on);
  }

  announce(leg: MediaLeg, tone: ConferenceTone): void {
    const membership = this.#members.get(leg);
    membership?.mixer.announce(this.#tone(tone), membership.id);
  }

  leave(leg: MediaLeg): void {
    const membership = this.#members.get(leg);
    if (!membership) return;
    this.#members.delete(leg);
    leg.off('rtp', membership.onRtp);
    leg.off('closed', membership.onClosed);
    const { mixer, roomId } = membership;
    mixer.remove(membership.id);
    if (mixer.size === 0) {
      this.#clock.remove(mixer);
      mixer.close();
      this.#rooms.delete(roomId);
    }
  }

  /** Rooms and participants now; clock figures since the last call. */
  takeStats(): ConferenceRoomsStats {
    return { rooms: this.#rooms.size, participants: this.#members.size, ...this.#clock.takeStats() };
  }

  close(): void {
    for (const leg of [...this.#members.keys()]) this.leave(leg);
    this.#clock.close();
  }

  #tone(tone: ConferenceTone): Int16Array {
    let pcm = this.#tones.get(tone);
    if (!pcm) {
      pcm = float32ToInt16(conferenceTone(tone, OPUS_SAMPLE_RATE));
      this.#tones.set(tone, pcm);
    }
    return pcm;
  }
}
