// A call ringing on this phone: who calls, what they dialled, Answer or Reject.
import type { IncomingCall } from '../../../server/signaling/protocol.ts';
import { PhoneIcon } from '../../shared/PhoneIcon.tsx';
import { initials, numberInWords } from '../../shared/words.ts';

interface IncomingScreenProps {
  call: IncomingCall;
  /** The user's own extension: a call to it is a direct call, anything else came through a number. */
  ownExtension: string;
  onAnswer(): void;
  onReject(): void;
}

export function IncomingScreen({ call, ownExtension, onAnswer, onReject }: IncomingScreenProps) {
  return (
    <section class="incoming-screen" aria-label="Incoming call" data-testid="incoming-call">
      <p class="incoming-label">Incoming call</p>
      <div class="call-avatar call-avatar-ring" aria-hidden="true">
        {initials(call.from.name)}
      </div>
      <h2 class="call-peer" data-testid="incoming-name">
        {call.from.name}
      </h2>
      <p class="call-number muted" data-testid="incoming-number">
        {numberInWords(call.from.number)}
      </p>
      {call.to !== ownExtension && <p class="incoming-via small">via {call.to}</p>}
      <div class="incoming-actions">
        <button type="button" class="answer-choice reject" onClick={onReject}>
          <span class="answer-circle">
            <PhoneIcon name="hangup" size={22} />
          </span>
          Reject
        </button>
        <button type="button" class="answer-choice answer" onClick={onAnswer}>
          <span class="answer-circle">
            <PhoneIcon name="phone" size={22} />
          </span>
          Answer
        </button>
      </div>
    </section>
  );
}
