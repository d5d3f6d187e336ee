// The call in progress: who is on the line, where the call stands, the timer, and the buttons
// (mute, hold, keypad for tones, hang up). The softphone and the caller page both show it.
import { useState } from 'preact/hooks';
import { Keypad } from './Keypad.tsx';
import type { CurrentCall, PhoneLine } from './phone-line.ts';
import { PhoneIcon } from './PhoneIcon.tsx';
import { useNow } from './use-line.ts';
import { clockInWords, initials, numberInWords } from './words.ts';

interface CallScreenProps {
  call: CurrentCall;
  onHangup(): void;
  onMute(muted: boolean): void;
  onDigits(digits: string): void;
  /** Absent where holding makes no sense (the public caller page). */
  onHold?(hold: boolean): void;
}

export function callStatusInWords(call: CurrentCall): string {
  switch (call.phase) {
    case 'starting':
      return call.direction === 'outgoing' ? 'Calling…' : 'Connecting…';
    case 'ringing':
      return 'Ringing…';
    case 'connected':
      return 'Connected';
    case 'held':
      return call.heldBy === 'you' ? 'On hold' : 'Held by the other party';
  }
}

export function CallScreen({ call, onHangup, onMute, onDigits, onHold }: CallScreenProps) {
  const [keypadOpen, setKeypadOpen] = useState(false);
  const [sent, setSent] = useState('');
  const answered = call.phase === 'connected' || call.phase === 'held';
  const now = useNow(answered);
  const name = call.peer?.name || call.dialled;
  const number = call.peer ? numberInWords(call.peer.number) : '';
  const heldByYou = call.phase === 'held' && call.heldBy === 'you';
  const canTone = call.phase !== 'starting';

  const press = (key: string) => {
    setSent((s) => (s + key).slice(-24));
    onDigits(key);
  };

  return (
    <section class="call-screen" aria-label="Call in progress" data-testid="call-screen">
      <div class={`call-avatar${call.phase === 'ringing' || call.phase === 'starting' ? ' call-avatar-pulse' : ''}`} aria-hidden="true">
        {initials(name)}
      </div>
      <h2 class="call-peer" data-testid="call-peer">
        {name}
      </h2>
      {number && <p class="call-number muted">{number}</p>}
      <p class={`call-status call-status-${call.phase}`} data-testid="call-status" role="status">
        {callStatusInWords(call)}
        {answered && call.connectedAt !== null && (
          <span class="call-timer" data-testid="call-timer">
            {' · '}
            {clockInWords((now - call.connectedAt) / 1000)}
          </span>
        )}
      </p>

      {keypadOpen ? (
        <div class="call-keypad">
          <output class="tones-sent mono" aria-label="Keys sent" data-testid="tones-sent">
            {sent || '\u00a0'}
          </output>
          <Keypad label="Keys to send" compact onKey={press} disabled={!canTone} />
        </div>
      ) : null}

      <div class="call-controls">
        <button type="button" class={`round-button${call.muted ? ' round-button-on' : ''}`} aria-pressed={call.muted} onClick={() => onMute(!call.muted)} disabled={call.phase === 'starting'}>
          <PhoneIcon name={call.muted ? 'mic-off' : 'mic'} />
          <span>{call.muted ? 'Unmute' : 'Mute'}</span>
        </button>
        {onHold && (
          <button type="button" class={`round-button${heldByYou ? ' round-button-on' : ''}`} aria-pressed={heldByYou} onClick={() => onHold(!heldByYou)} disabled={!answered}>
            <PhoneIcon name={heldByYou ? 'play' : 'pause'} />
            <span>{heldByYou ? 'Resume' : 'Hold'}</span>
          </button>
        )}
        <button type="button" class={`round-button${keypadOpen ? ' round-button-on' : ''}`} aria-pressed={keypadOpen} onClick={() => setKeypadOpen(!keypadOpen)}>
          <PhoneIcon name="keypad" />
          <span>Keypad</span>
        </button>
      </div>
      <button type="button" class="hangup-button" onClick={onHangup}>
        <PhoneIcon name="hangup" size={20} />
        Hang up
      </button>
    </section>
  );
}

/** The call screen acting on a phone line; `canHold`: whether this app offers Hold. */
export function LineCallScreen({ line, call, canHold }: { line: PhoneLine; call: CurrentCall; canHold: boolean }) {
  return (
    <CallScreen
      call={call}
      onHangup={() => line.hangup()}
      onMute={(muted) => line.setMuted(muted)}
      onHold={canHold ? (hold) => void line.setHold(hold) : undefined}
      onDigits={(digits) => line.sendDigits(digits)}
    />
  );
}
