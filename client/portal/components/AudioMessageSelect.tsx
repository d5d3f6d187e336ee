// A choice of one of the draft's audio messages, or none (a prompt, a greeting, a message before answer).
import type { AudioMessage } from '../../../data/schema.ts';
import type { ControlProps } from './Field.tsx';

interface AudioMessageSelectProps {
  control: ControlProps;
  messages: readonly AudioMessage[];
  /** The chosen message's id; '' for none. */
  value: string;
  onChange(id: string): void;
  /** What choosing none means here. */
  noneLabel: string;
  /** Say which messages have no audio yet, where a silent one would go unnoticed. */
  marksSilent?: boolean;
}

export function AudioMessageSelect({ control, messages, value, onChange, noneLabel, marksSilent }: AudioMessageSelectProps) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{noneLabel}</option>
      {messages.map((m) => (
        <option key={m.id} value={m.id}>
          {marksSilent && !m.fileId ? `${m.name} (no audio yet)` : m.name}
        </option>
      ))}
    </select>
  );
}
