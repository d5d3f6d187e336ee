// A new audio message starts as a name; its audio is added afterwards.
import { useState } from 'preact/hooks';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { FormErrors, useSubmission } from '../form.ts';
import { usePortal } from '../portal-state.tsx';
import { navigate } from '../router.ts';

export function AudioMessageNewPage() {
  const { api, write, notify } = usePortal();
  const [name, setName] = useState('');
  const submission = useSubmission();
  const errors = new FormErrors(submission.error, ['name']);

  const save = (event: Event) => {
    event.preventDefault();
    void submission.run(async () => {
      await write((revision) => api.audioMessages.create({ name: name.trim() }, revision));
      notify(`Audio message ${name.trim()} added.`);
      navigate({ page: 'audio-messages' });
    });
  };

  return (
    <>
      <PageHeader title="Add a message" subtitle="Name the message; you give it its audio afterwards." back={{ href: '#/audio-messages', label: 'Audio messages' }} />
      <form class="card form" onSubmit={save} noValidate>
        <ErrorBanner error={submission.error} unshown={errors.unshown()} />
        <Field id="audio-message-name" label="Name" error={errors.of('name')} hint="e.g. Welcome, Closed for holidays.">
          {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <div class="form-actions">
          <a class="btn btn-secondary" href="#/audio-messages">
            Cancel
          </a>
          <button type="submit" class="btn btn-primary" disabled={submission.busy}>
            Save
          </button>
        </div>
      </form>
    </>
  );
}
