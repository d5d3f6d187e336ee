// Adding or editing a conference room: its name, the PIN callers type to come in (none: anyone who
// reaches it comes in), and how many may be in it at once.
import { useState } from 'preact/hooks';
import type { ConferenceRoomInput } from '../api.ts';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Field } from '../components/Field.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';

const DEFAULT_MAX_PARTICIPANTS = 10;

const ROOMS = { href: '#/conference-rooms', label: 'Conference rooms' };

export function ConferenceRoomEditPage({ id }: { id: string | null }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.conferenceRooms.find((r) => r.id === id);
  const [name, setName] = useState(existing?.name ?? '');
  const [pin, setPin] = useState(existing?.pin ?? '');
  const [maxParticipants, setMaxParticipants] = useState(String(existing?.maxParticipants ?? DEFAULT_MAX_PARTICIPANTS));
  const editing = useEntityEditing({ collection: api.conferenceRooms, id: existing?.id ?? null, noun: 'Conference room', list: { page: 'conference-rooms' } });
  const errors = new FormErrors(editing.submission.error, ['name', 'pin', 'maxParticipants']);

  if (existing === undefined) {
    return (
      <NotFoundPage title="Room not found" back={ROOMS}>
        This conference room does not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const save = () => {
    const input: ConferenceRoomInput = { name: name.trim(), pin: pin.trim(), maxParticipants: Number(maxParticipants) };
    editing.save(input, input.name);
  };

  return (
    <EditPage
      title={existing ? existing.name : 'Add a conference room'}
      subtitle="Callers who reach this room through an incoming number talk together."
      back={ROOMS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the room'}
      deletion={
        existing && {
          label: 'Delete room',
          title: 'Delete this room?',
          message: `${existing.name} will be gone once you apply changes; numbers that lead to it must go elsewhere first.`,
          name: existing.name,
        }
      }
    >
      <div class="card form">
        <h2 class="card-title">Room</h2>
        <div class="form-grid">
          <Field id="room-name" label="Name" error={errors.of('name')} hint="As admins and callers know it, e.g. Weekly meeting.">
            {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id="room-pin" label="PIN" error={errors.of('pin')} hint="4 to 8 digits callers type before joining. Empty: no PIN.">
            {(control) => <input {...control} class="mono" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} />}
          </Field>
          <Field id="room-max" label="Participants at most" error={errors.of('maxParticipants')} hint="2 to 50; callers beyond hear that the room is full.">
            {(control) => <input {...control} type="number" min={2} max={50} value={maxParticipants} onInput={(e) => setMaxParticipants(e.currentTarget.value)} />}
          </Field>
        </div>
      </div>
    </EditPage>
  );
}
