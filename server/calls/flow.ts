// Where a call goes, as data: the routing decision is a pure function from the production
// configuration to a list of steps, and the engine runs the steps. Forwarding chains, voicemail and
// menus become more steps, not more callbacks.
import type { Destination, PbxConfig, User } from '../../data/schema.ts';
import type { PromptName } from './ports.ts';

export type RingOutcome = 'answered' | 'busy' | 'no-answer' | 'unavailable';

export type Step =
  /**
   * Rings every phone of a user. Answered ends the flow (the call is connected). Otherwise the
   * branch for the outcome runs instead of the following steps, or, without a branch, the next step.
   */
  | { type: 'ring'; userId: string; seconds: number; onBusy?: Step[]; onNoAnswer?: Step[] }
  | { type: 'play'; prompt: PromptName }
  | { type: 'hangup'; reason: 'busy' | 'no-answer' | 'not-in-service' | 'unavailable' };

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

export function planDestination(config: PbxConfig, destination: Destination): Step[] {
  switch (destination.type) {
    case 'user': {
      const user = config.users.find((u) => u.id === destination.userId);
      return user ? planUser(user) : planNotInService();
    }
    case 'hangup':
      return [{ type: 'hangup', reason: 'unavailable' }];
    default:
      // Voicemail boxes and IVR menus become real with their features.
      return [{ type: 'play', prompt: 'not-available-yet' }, { type: 'hangup', reason: 'unavailable' }];
  }
}

export function planNotInService(): Step[] {
  return [{ type: 'play', prompt: 'not-in-service' }, { type: 'hangup', reason: 'not-in-service' }];
}

function planUser(user: User): Step[] {
  const noAnswer = user.forwardings.noAnswer;
  const seconds = noAnswer.enabled ? noAnswer.afterSeconds : DEFAULT_RING_SECONDS;
  return [
    {
      type: 'ring',
      userId: user.id,
      seconds,
      onBusy: [{ type: 'play', prompt: 'busy' }, { type: 'hangup', reason: 'busy' }],
    },
    { type: 'play', prompt: 'not-available' },
    { type: 'hangup', reason: 'no-answer' },
  ];
}
