// The idle phone: a field to type a number, the dial pad, and the Call button.
import { useRef } from 'preact/hooks';
import { Keypad } from '../../shared/Keypad.tsx';
import { PhoneIcon } from '../../shared/PhoneIcon.tsx';

interface DialPanelProps {
  number: string;
  onNumber(number: string): void;
  onCall(): void;
  disabled: boolean;
}

export function DialPanel({ number, onNumber, onCall, disabled }: DialPanelProps) {
  const field = useRef<HTMLInputElement>(null);
  return (
    <form
      class="dial-panel"
      onSubmit={(event) => {
        event.preventDefault();
        onCall();
      }}
    >
      <div class="dial-display">
        <label class="visually-hidden" for="dial-number">
          Number to call
        </label>
        <input
          id="dial-number"
          ref={field}
          class="dial-input"
          inputMode="tel"
          autocomplete="off"
          placeholder="Extension or number"
          value={number}
          onInput={(e) => onNumber(e.currentTarget.value)}
        />
        {number && (
          <button
            type="button"
            class="icon-button dial-erase"
            aria-label="Erase one digit"
            title="Erase one digit"
            onClick={() => {
              onNumber(number.slice(0, -1));
              field.current?.focus();
            }}
          >
            <PhoneIcon name="backspace" />
          </button>
        )}
      </div>
      <Keypad label="Dial pad" onKey={(key) => onNumber(number + key)} />
      <button type="submit" class="call-button" disabled={disabled || number.trim() === ''}>
        <PhoneIcon name="phone" size={20} />
        Call
      </button>
    </form>
  );
}
