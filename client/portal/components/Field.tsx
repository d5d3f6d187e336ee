// One labelled form field with its hint and the server's message for it.
import type { ComponentChildren } from 'preact';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ComponentChildren;
  children(control: ControlProps): ComponentChildren;
}

export function Field({ id, label, error, hint, children }: FieldProps) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id} class="field-label">
        {label}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), ...(described ? { 'aria-describedby': described } : {}) })}
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface CheckboxProps {
  id: string;
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: string;
  error?: string | undefined;
  disabled?: boolean;
}

export function Checkbox({ id, label, checked, onChange, hint, error, disabled }: CheckboxProps) {
  return (
    <div class={`field field-check${error ? ' field-invalid' : ''}`}>
      <label class="check">
        <input
          type="checkbox"
          id={id}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
        <span>{label}</span>
      </label>
      {hint && <p class="field-hint">{hint}</p>}
      {error && (
        <p class="field-error" data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface YesNoProps {
  id: string;
  label: string;
  value: boolean;
  onChange(value: boolean): void;
  error?: string | undefined;
  hint?: string;
}

/** A Yes/No choice as the PBX's forms show it (Voicemail Yes/No). */
export function YesNo({ id, label, value, onChange, error, hint }: YesNoProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(control) => (
        <select {...control} value={value ? 'yes' : 'no'} onChange={(e) => onChange(e.currentTarget.value === 'yes')}>
          <option value="yes">Yes</option>
          <option value="no">No</option>
        </select>
      )}
    </Field>
  );
}
