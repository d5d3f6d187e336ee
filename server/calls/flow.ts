// Where a call goes, as data: the routing decision is a pure function from the production
// configuration to a list of steps, and the engine runs the steps. Forwarding chains, voicemail and
// menus become more steps, not more callbacks.
import type { Destination, ForwardingChain, PbxConfig, User } from '../../data/schema.ts';
import type { PromptName } from './ports.ts';

export type RingOutcome = 'answered' | 'busy' | 'no-answer' | 'unavailable';
export type HangupReason = 'busy' | 'no-answer' | 'not-in-service' | 'unavailable';

export type Step =
  /**
   * Rings every phone of a user. Answered ends the flow (the call is connected). Otherwise the
   * branch for the outcome runs instead of the following steps, or, without a branch, the next step.
   * A phone signed in nowhere counts as no answer.
   */
  | { type: 'ring'; userId: string; seconds: number; onBusy?: Step[]; onNoAnswer?: Step[] }
  | { type: 'play'; prompt: PromptName }
  /** An audio message played whole (an incoming number's message before anything rings, a hang-up's message); skipped when it has no audio. */
  | { type: 'announce'; audioMessageId: string }
  /** An IVR menu: the chosen key's destination (or the fallback) is planned when the caller chooses. */
  | { type: 'menu'; menuId: string }
  /** Opening hours: the branch is chosen by the clock when the call gets there. */
  | { type: 'opening-hours'; openingHoursId: string }
  /** Greeting, beep, record a message; the call ends there. */
  | { type: 'voicemail'; boxId: string }
  /** The box's owner listens to the new messages, with keys to repeat, delete and skip. */
  | { type: 'listen-to-messages'; boxId: string }
  /** The PIN if the room has one, then the caller talks with the room's others until hanging up. */
  | { type: 'conference'; roomId: string }
  | { type: 'hangup'; reason: HangupReason };

/** How long a user without forwarding on no answer rings before the caller hears "not available". */
export const DEFAULT_RING_SECONDS = 30;

/** Dialled text to a destination: an extension or an incoming number. Null: not in service. */
export function resolveDialled(config: PbxConfig, dialled: string, options: { extensionsAllowed: boolean }): Destination | 'extension-refused' | null {
  const number = config.incomingNumbers.find((n) => n.number === dialled);
  if (number) return number.destination;
  const user = config.users.find((u) => u.extension === dialled);
  if (user) return options.extensionsAllowed ? { type: 'user', userId: user.id } : 'extension-refused';
  return null;
}

/**
 * What an incoming number plays before the call is answered. It is played whole before the first
 * phone rings, then the caller hears ringback, as hosted PBXs do: a message over ringing would be
 * cut off by an early answer, and a callee answering mid-message would hear its end.
 */
export function planPreAnswer(config: PbxConfig, dialled: string): Step[] {
  const number = config.incomingNumbers.find((n) => n.number === dialled);
  return number?.preAnswerMessageId ? [{ type: 'announce', audioMessageId: number.preAnswerMessageId }] : [];
}

export function planDestination(config: PbxConfig, destination: Destination): Step[] {
  switch (destination.type) {
    case 'user': {
      const user = config.users.find((u) => u.id === destination.userId);
      return user ? planUser(config, user) : planNotInService();
    }
    case 'voicemail': {
      const box = config.voicemailBoxes.find((b) => b.id === destination.boxId && b.enabled);
      return box ? [{ type: 'voicemail', boxId: box.id }] : notAvailable('unavailable');
    }
    case 'conference': {
      const room = config.conferenceRooms.find((r) => r.id === destination.roomId);
      return room ? [{ type: 'conference', roomId: room.id }] : notAvailable('unavailable');
    }
    case 'ivr':
      return config.ivrMenus.some((m) => m.id === destination.menuId) ? [{ type: 'menu', menuId: destination.menuId }] : notAvailable('unavailable');
    case 'opening-hours':
      return config.openingHours.some((h) => h.id === destination.openingHoursId)
        ? [{ type: 'opening-hours', openingHoursId: destination.openingHoursId }]
        : notAvailable('unavailable');
    case 'hangup':
      return destination.audioMessageId !== undefined && config.audioMessages.some((m) => m.id === destination.audioMessageId)
        ? [{ type: 'announce', audioMessageId: destination.audioMessageId }, { type: 'hangup', reason: 'unavailable' }]
        : [{ type: 'hangup', reason: 'unavailable' }];
  }
}

/** What a user dials to listen to the own voicemail by phone. */
export const VOICEMAIL_ACCESS_CODE = '*97';

export function planVoicemailAccess(config: PbxConfig, userId: string): Step[] {
  const box = config.voicemailBoxes.find((b) => b.owner.type === 'user' && b.owner.userId === userId && b.enabled);
  return box ? [{ type: 'listen-to-messages', boxId: box.id }] : notAvailable('unavailable');
}

export function planNotInService(): Step[] {
  return [{ type: 'play', prompt: 'not-in-service' }, { type: 'hangup', reason: 'not-in-service' }];
}

/**
 * The user's phones ring; then, by outcome, the forwarding chain on no answer or on busy. A chain
 * rings each target's phones in turn, each for the user's N seconds, and ends in the user's own
 * box when "Send to voicemail as a last resort" is ticked (and the user's Voicemail is Yes), or in
 * "not available". A disabled chain forwards nowhere: the caller hears "busy" or "not available".
 * Targets' own forwardings are not followed, so a chain cannot loop: a user appearing twice in a
 * chain (A → B → A) or the user himself is rung once only.
 */
function planUser(config: PbxConfig, user: User): Step[] {
  const { noAnswer, busy } = user.forwardings;
  const seconds = noAnswer.enabled ? noAnswer.afterSeconds : DEFAULT_RING_SECONDS;
  return [
    {
      type: 'ring',
      userId: user.id,
      seconds,
      onBusy: busy.enabled ? planChain(config, user, busy, noAnswer.afterSeconds) : [{ type: 'play', prompt: 'busy' }, { type: 'hangup', reason: 'busy' }],
      onNoAnswer: noAnswer.enabled ? planChain(config, user, noAnswer, noAnswer.afterSeconds) : notAvailable('no-answer'),
    },
  ];
}

function planChain(config: PbxConfig, owner: User, chain: ForwardingChain, seconds: number): Step[] {
  const steps: Step[] = [];
  const rung = new Set([owner.id]);
  for (const target of chain.targets) {
    if (target.type === 'user') {
      if (rung.has(target.userId) || !config.users.some((u) => u.id === target.userId)) continue;
      rung.add(target.userId);
      steps.push({ type: 'ring', userId: target.userId, seconds });
    } else {
      const box = config.voicemailBoxes.find((b) => b.id === target.boxId && b.enabled);
      // A box in the chain takes the call: nothing after it can run.
      if (box) return [...steps, { type: 'voicemail', boxId: box.id }];
    }
  }
  const ownBox = config.voicemailBoxes.find((b) => b.owner.type === 'user' && b.owner.userId === owner.id && b.enabled);
  if (chain.voicemailLastResort && owner.voicemail && ownBox) return [...steps, { type: 'voicemail', boxId: ownBox.id }];
  return [...steps, ...notAvailable('no-answer')];
}

function notAvailable(reason: HangupReason): Step[] {
  return [{ type: 'play', prompt: 'not-available' }, { type: 'hangup', reason }];
}
