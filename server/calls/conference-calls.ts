// Calls in conference rooms: the PIN asked by a voice prompt, then the caller joins the room's mix
// (MediaPlane.joinConference) until hanging up. Who hears what is decided here: a member alone
// hears music on hold; with others, the mix; the others hear a tone when someone comes or goes.
import type { ConferenceRoom } from '../../data/schema.ts';
import type { Logger } from '../logger.ts';
import type { Call } from './call.ts';
import type { CallLeg, ConferenceMembership, MediaPlane, PromptName } from './ports.ts';
import type { CallTraceEvent } from './call-trace.ts';

/** Wrong PINs before the caller hears goodbye. */
export const PIN_TRIES = 3;
/** After the PIN prompt, how long the caller has to start typing, then between two keys. */
const FIRST_KEY_SECONDS = 10;
const NEXT_KEY_SECONDS = 5;

/** How a caller's time in a room ended: hung up while in it, or never let in. */
export type ConferenceOutcome = 'left' | 'wrong-pin' | 'full';

interface Member {
  call: Call;
  leg: CallLeg;
  membership: ConferenceMembership;
  /** Hears the others' mix (rather than a prompt, a tone or music). */
  hearsRoom: boolean;
}

export interface ConferenceCallsOptions {
  media: MediaPlane;
  logger: Logger;
  startTimer: (callback: () => void, ms: number) => () => void;
  /** Reports a caller coming into a room to the call's trace. */
  trace?: (callId: Call['id'], event: CallTraceEvent) => void;
}

export class ConferenceCalls {
  /** Members of each room in use, in the order they joined. */
  readonly #rooms = new Map<string, Member[]>();

  constructor(private readonly options: ConferenceCallsOptions) {}

  /** Members of room `roomId` now. */
  count(roomId: string): number {
    return this.#rooms.get(roomId)?.length ?? 0;
  }

  /** The caller's whole stay: PIN, joining, talking; resolves when the caller is out of the room. */
  async enter(call: Call, room: ConferenceRoom): Promise<ConferenceOutcome> {
    const leg = call.caller.leg;
    call.caller.endpoint.update({ callId: call.id, state: 'connected', peer: { name: room.name, number: call.dialled } });
    if (room.pin !== '' && !(await this.#askPin(call, leg, room.pin))) {
      this.options.logger.info({ callId: call.id, roomId: room.id }, 'conference: wrong PIN');
      if (!call.ended) await leg.play('goodbye');
      return 'wrong-pin';
    }
    if (call.ended) return 'left';
    const members = this.#rooms.get(room.id) ?? [];
    if (members.length >= room.maxParticipants) {
      await leg.play('conference-full');
      return 'full';
    }
    this.#rooms.set(room.id, members);
    const member: Member = { call, leg, membership: this.options.media.joinConference(room.id, leg), hearsRoom: false };
    members.push(member);
    this.options.logger.info({ callId: call.id, roomId: room.id, members: members.length }, 'conference: joined');
    this.options.trace?.(call.id, { type: 'conference-joined', roomId: room.id, members: members.length });
    member.membership.announce('join');
    if (members.length === 1) {
      await leg.play('conference-alone');
      // Someone may have come in during the prompt: then the caller hears the room already.
      if (!call.ended && members.length === 1 && !member.hearsRoom) leg.hear({ type: 'music-on-hold' });
    } else {
      for (const each of members) this.#hearRoom(each);
    }
    await new Promise<void>((resolve) => call.onEnded(resolve));
    this.#leave(room.id, member);
    return 'left';
  }

  #hearRoom(member: Member): void {
    if (member.hearsRoom || member.call.ended) return;
    member.hearsRoom = true;
    member.leg.hear({ type: 'conference' });
  }

  #leave(roomId: string, member: Member): void {
    const members = this.#rooms.get(roomId);
    if (!members) return;
    members.splice(members.indexOf(member), 1);
    member.membership.announce('leave');
    member.membership.leave();
    this.options.logger.info({ callId: member.call.id, roomId, members: members.length }, 'conference: left');
    if (members.length === 0) {
      this.#rooms.delete(roomId);
      return;
    }
    if (members.length > 1) return;
    // The last one left: the mix has nobody for it, so the tone is played to it directly, then music.
    const last = members[0]!;
    last.hearsRoom = false;
    void (async () => {
      await last.leg.playItem({ type: 'conference-tone', tone: 'leave' });
      if (!last.call.ended && members.length === 1 && members[0] === last && !last.hearsRoom) last.leg.hear({ type: 'music-on-hold' });
    })();
  }

  /** Up to PIN_TRIES tries; false after the last wrong one or when the caller hangs up. */
  async #askPin(call: Call, leg: CallLeg, pin: string): Promise<boolean> {
    for (let attempt = 1; attempt <= PIN_TRIES && !call.ended; attempt++) {
      const entered = await this.#collectDigits(call, leg, 'conference-pin');
      if (call.ended) return false;
      if (entered === pin) return true;
      await leg.play('conference-pin-wrong');
    }
    return false;
  }

  /**
   * Plays `prompt` and collects keys until #: keys pressed during the prompt stop it and count.
   * Resolves with what was typed (without #), also when the caller stops typing, or hangs up.
   */
  #collectDigits(call: Call, leg: CallLeg, prompt: PromptName): Promise<string> {
    return new Promise((resolve) => {
      let typed = '';
      let settled = false;
      let cancelTimer = () => {};
      const wait = (seconds: number) => {
        cancelTimer();
        cancelTimer = this.options.startTimer(() => finish(), seconds * 1000);
      };
      const finish = () => {
        if (settled) return;
        settled = true;
        stopListening();
        cancelTimer();
        resolve(typed);
      };
      const stopListening = leg.onDigit(
        (digit) => {
          if (typed === '') leg.hear({ type: 'silence' });
          if (digit === '#') return finish();
          typed += digit;
          wait(NEXT_KEY_SECONDS);
        },
        { inBand: true },
      );
      call.onEnded(finish);
      void leg.play(prompt).then(() => {
        if (!settled && typed === '') wait(FIRST_KEY_SECONDS);
      });
    });
  }
}
