// A new audio message starts as a name; its audio is added afterwards.
import { useState } from 'preact/hooks';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors } from '../form.ts';
import { usePortal } from '../portal-state.tsx';

export function AudioMessageNewPage() {
  const { api } = usePortal();
  const [name, setName] = useState('');
  const { submission, save } = useEntityEditing({ collection: api.audioMessages, id: null, noun: 'Audio message', list: { page: 'audio-messages' } });
  const errors = new FormErrors(submission.error, ['name']);

  const add = (event: Event) => {
    event.preventDefault();
    save({ name: name.trim() }, name.trim());
  };

  return (
    <>
      <PageHeader title="Add a message" subtitle="Name the message; you give it its audio afterwards." back={{ href: '#/audio-messages', label: 'Audio messages' }} />
      <form class="card form" onSubmit={add} noValidate>
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
