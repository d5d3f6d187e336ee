// The twelve keys of a phone, with their letters. Used to dial, and during a call to send tones.
const KEYS: [string, string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

interface KeypadProps {
  onKey(key: string): void;
  label: string;
  disabled?: boolean;
  compact?: boolean;
}

export function Keypad({ onKey, label, disabled, compact }: KeypadProps) {
  return (
    <div class={`keypad${compact ? ' keypad-compact' : ''}`} role="group" aria-label={label}>
      {KEYS.map(([key, letters]) => (
        <button key={key} type="button" class="key" aria-label={key} disabled={disabled} onClick={() => onKey(key)}>
          <span class="key-digit">{key}</span>
          <span class="key-letters" aria-hidden="true">
            {letters || '\u00a0'}
          </span>
        </button>
      ))}
    </div>
  );
}
