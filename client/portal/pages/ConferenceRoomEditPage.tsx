// Adding or editing a conference room: its name, the PIN callers type to come in (none: anyone who
// reaches it comes in), and how many may be in it at once.
import { useState } from 'preact/hooks';
import type { ConferenceRoomInput } from '../api.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { FormErrors, useSubmission } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { navigate } from '../router.ts';

const DEFAULT_MAX_PARTICIPANTS = 10;

export function ConferenceRoomEditPage({ id }: { id: string | null }) {
  const { api, write, notify } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.conferenceRooms.find((r) => r.id === id);
  const [name, setName] = useState(existing?.name ?? '');
  const [pin, setPin] = useState(existing?.pin ?? '');
  const [maxParticipants, setMaxParticipants] = useState(String(existing?.maxParticipants ?? DEFAULT_MAX_PARTICIPANTS));
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const submission = useSubmission();
  const errors = new FormErrors(submission.error, ['name', 'pin', 'maxParticipants']);

  if (existing === undefined) {
    return (
      <>
        <PageHeader title="Room not found" back={{ href: '#/conference-rooms', label: 'Conference rooms' }} />
        <div class="card">
          <p>This conference room does not exist in the draft (anymore).</p>
        </div>
      </>
    );
  }

  const save = (event: Event) => {
    event.preventDefault();
    const input: ConferenceRoomInput = { name: name.trim(), pin: pin.trim(), maxParticipants: Number(maxParticipants) };
    void submission.run(async () => {
      if (existing) await write((revision) => api.conferenceRooms.update(existing.id, input, revision));
      else await write((revision) => api.conferenceRooms.create(input, revision));
      notify(`Conference room ${input.name} ${existing ? 'saved' : 'added'}.`);
      navigate({ page: 'conference-rooms' });
    });
  };

  const remove = () =>
    void submission.run(async () => {
      if (!existing) return;
      setConfirmingDelete(false);
      await write((revision) => api.conferenceRooms.remove(existing.id, revision));
      notify(`Conference room ${existing.name} deleted.`);
      navigate({ page: 'conference-rooms' });
    });

  return (
    <>
      <PageHeader
        title={existing ? existing.name : 'Add a conference room'}
        subtitle="Callers who reach this room through an incoming number talk together."
        back={{ href: '#/conference-rooms', label: 'Conference rooms' }}
      >
        {existing && (
          <button type="button" class="btn btn-danger-outline" onClick={() => setConfirmingDelete(true)}>
            Delete room
          </button>
        )}
      </PageHeader>
      <form onSubmit={save} noValidate class="stack">
        <ErrorBanner error={submission.error} unshown={errors.unshown()} />
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
        <div class="form-actions form-actions-page">
          <a class="btn btn-secondary" href="#/conference-rooms">
            Cancel
          </a>
          <button type="submit" class="btn btn-primary" disabled={submission.busy}>
            {existing ? 'Save' : 'Add the room'}
          </button>
        </div>
      </form>
      {confirmingDelete && existing && (
        <ConfirmDialog
          title="Delete this room?"
          message={`${existing.name} will be gone once you apply changes; numbers that lead to it must go elsewhere first.`}
          confirmLabel="Delete room"
          danger
          onConfirm={remove}
          onCancel={() => setConfirmingDelete(false)}
        />
      )}
    </>
  );
}
