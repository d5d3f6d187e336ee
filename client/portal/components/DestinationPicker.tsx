// Where a call goes, chosen in two steps: the kind of destination, then which one. Shared by incoming
// numbers, menu keys (a key can lead to a conference room), a menu's fallback and the two branches of
// opening hours.
import type { Destination, DestinationType } from '../../../data/schema.ts';
import type { PortalConfig } from '../api.ts';
import { userLabel } from '../words.ts';
import { Field } from './Field.tsx';

export const DESTINATION_TYPES: { type: DestinationType; label: string; which: string }[] = [
  { type: 'user', label: 'User', which: 'User' },
  { type: 'voicemail', label: 'Voicemail', which: 'Voicemail box' },
  { type: 'ivr', label: 'IVR menu', which: 'IVR menu' },
  { type: 'opening-hours', label: 'Opening hours', which: 'Opening hours' },
  { type: 'conference', label: 'Conference room', which: 'Conference room' },
  { type: 'hangup', label: 'Hang up', which: 'Audio message first' },
];

/** The id the second list shows; for a hang-up, its audio message ('' for none). */
export function targetIdOf(destination: Destination): string {
  switch (destination.type) {
    case 'user':
      return destination.userId;
    case 'voicemail':
      return destination.boxId;
    case 'ivr':
      return destination.menuId;
    case 'opening-hours':
      return destination.openingHoursId;
    case 'conference':
      return destination.roomId;
    case 'hangup':
      return destination.audioMessageId ?? '';
  }
}

export function choicesFor(config: PortalConfig, type: DestinationType): { id: string; label: string }[] {
  switch (type) {
    case 'user':
      return config.users.map((u) => ({ id: u.id, label: userLabel(u) }));
    case 'voicemail':
      return config.voicemailBoxes.map((b) => ({ id: b.id, label: b.enabled ? b.name : `${b.name} (disabled)` }));
    case 'ivr':
      return config.ivrMenus.map((m) => ({ id: m.id, label: m.name }));
    case 'opening-hours':
      return config.openingHours.map((h) => ({ id: h.id, label: h.name }));
    case 'conference':
      return config.conferenceRooms.map((r) => ({ id: r.id, label: r.name }));
    case 'hangup':
      return [{ id: '', label: 'None' }, ...config.audioMessages.map((m) => ({ id: m.id, label: m.name }))];
  }
}

export function buildDestination(type: DestinationType, targetId: string): Destination {
  switch (type) {
    case 'user':
      return { type, userId: targetId };
    case 'voicemail':
      return { type, boxId: targetId };
    case 'ivr':
      return { type, menuId: targetId };
    case 'opening-hours':
      return { type, openingHoursId: targetId };
    case 'conference':
      return { type, roomId: targetId };
    case 'hangup':
      return targetId === '' ? { type } : { type, audioMessageId: targetId };
  }
}

/** A new destination of `type`, its first choice preselected (or none yet). */
export function firstDestination(config: PortalConfig, type: DestinationType): Destination {
  return buildDestination(type, choicesFor(config, type)[0]?.id ?? '');
}

interface PickerProps {
  /** Prefix of the two controls' ids, e.g. "number-destination" gives "number-destination-type". */
  id: string;
  /** What the choice is for, e.g. "Destination type for voice call" or "Key 1". */
  label: string;
  /** Null only with `noneLabel`: nothing chosen (a menu key that is not used). */
  value: Destination | null;
  onChange(destination: Destination | null): void;
  config: PortalConfig;
  /** Offers "nothing" first, with this label. */
  noneLabel?: string;
  /** The server's message for this destination, if any. */
  error?: string | undefined;
  /** In a table row: the two lists side by side, labelled for screen readers only. */
  compact?: boolean;
}

export function DestinationPicker({ id, label, value, onChange, config, noneLabel, error, compact }: PickerProps) {
  const kind = value ? DESTINATION_TYPES.find((d) => d.type === value.type)! : null;
  const choices = value ? choicesFor(config, value.type) : [];
  const targetId = value ? targetIdOf(value) : '';
  const changeType = (type: DestinationType | '') => {
    if (type === '') return onChange(null);
    // Keep the target only if it still makes sense; otherwise preselect the first choice.
    const next = choicesFor(config, type);
    onChange(buildDestination(type, next.some((c) => c.id === targetId) ? targetId : (next[0]?.id ?? '')));
  };
  const typeSelect = (control: object) => (
    <select {...control} value={value?.type ?? ''} onChange={(e) => changeType(e.currentTarget.value as DestinationType | '')}>
      {noneLabel !== undefined && <option value="">{noneLabel}</option>}
      {DESTINATION_TYPES.map((d) => (
        <option key={d.type} value={d.type}>
          {d.label}
        </option>
      ))}
    </select>
  );
  const targetSelect = (control: object) => (
    <select {...control} value={targetId} disabled={choices.length === 0} onChange={(e) => value && onChange(buildDestination(value.type, e.currentTarget.value))}>
      {!choices.some((c) => c.id === targetId) && <option value={targetId}>Choose…</option>}
      {choices.map((c) => (
        <option key={c.id} value={c.id}>
          {c.label}
        </option>
      ))}
    </select>
  );
  const emptyHint = kind && choices.length === 0 ? `There is no ${kind.which.toLowerCase()} yet.` : undefined;

  if (compact) {
    return (
      <div class={`destination-picker${error ? ' field-invalid' : ''}`}>
        {typeSelect({ id: `${id}-type`, 'aria-label': `${label}: destination type`, 'aria-invalid': Boolean(error) })}
        {kind && targetSelect({ id: `${id}-target`, 'aria-label': `${label}: ${kind.which.toLowerCase()}`, 'aria-invalid': Boolean(error) })}
        {(error ?? emptyHint) && <p class={error ? 'field-error' : 'field-hint'}>{error ?? emptyHint}</p>}
      </div>
    );
  }
  return (
    <>
      <Field id={`${id}-type`} label={label} error={error}>
        {typeSelect}
      </Field>
      {kind && (
        <Field id={`${id}-target`} label={kind.which} hint={emptyHint}>
          {targetSelect}
        </Field>
      )}
    </>
  );
}
