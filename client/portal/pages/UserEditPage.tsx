// Adding or editing a user: General (who they are, their password and voicemail) and Forwardings
// (where unanswered and busy calls go). Both tabs are one form, saved together.
import { useState } from 'preact/hooks';
import { defaultForwardings } from '../../../data/default-config.ts';
import type { UserInput } from '../api.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field, YesNo } from '../components/Field.tsx';
import { ForwardingChainEditor, type ChainForm } from '../components/ForwardingChainEditor.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { FormErrors, numberOrText, useSubmission } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href, navigate } from '../router.ts';
import { userLabel } from '../words.ts';

interface UserEditPageProps {
  id: string | null;
  tab: 'general' | 'forwardings';
}

const SHOWN_FIELDS = ['name', 'email', 'extension', 'password', 'voicemail', 'forwardings'];

export function UserEditPage({ id, tab }: UserEditPageProps) {
  const { api, write, notify } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.users.find((u) => u.id === id);
  const start = existing?.forwardings ?? defaultForwardings();
  const [name, setName] = useState(existing?.name ?? '');
  const [email, setEmail] = useState(existing?.email ?? '');
  const [extension, setExtension] = useState(existing?.extension ?? '');
  const [password, setPassword] = useState('');
  const [voicemail, setVoicemail] = useState(existing?.voicemail ?? true);
  const [noAnswer, setNoAnswer] = useState<ChainForm>({ ...start.noAnswer, afterSeconds: String(start.noAnswer.afterSeconds) });
  const [onBusy, setOnBusy] = useState<ChainForm>(start.busy);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const submission = useSubmission();
  const errors = new FormErrors(submission.error, SHOWN_FIELDS);

  if (existing === undefined) {
    return (
      <>
        <PageHeader title="User not found" back={{ href: '#/users', label: 'Users' }} />
        <div class="card">
          <p>This user does not exist in the draft (anymore).</p>
        </div>
      </>
    );
  }

  const save = (event: Event) => {
    event.preventDefault();
    const { afterSeconds, ...noAnswerChain } = noAnswer;
    const input: UserInput = {
      name: name.trim(),
      email: email.trim(),
      extension: extension.trim(),
      password,
      voicemail,
      forwardings: {
        // A mistyped number goes to the server as typed so its message shows next to the field.
        noAnswer: { ...noAnswerChain, afterSeconds: numberOrText(afterSeconds ?? '') as number },
        busy: onBusy,
      },
    };
    void submission.run(async () => {
      if (existing) {
        await write((revision) => api.users.update(existing.id, input, revision));
        notify(`User ${userLabel(input)} saved.`);
      } else {
        await write((revision) => api.users.create(input, revision));
        notify(`User ${userLabel(input)} added.`);
      }
      navigate({ page: 'users' });
    });
  };

  const remove = () =>
    void submission.run(async () => {
      if (!existing) return;
      setConfirmingDelete(false);
      await write((revision) => api.users.remove(existing.id, revision));
      notify(`User ${userLabel(existing)} deleted.`);
      navigate({ page: 'users' });
    });

  const tabErrors = {
    general: ['name', 'email', 'extension', 'password', 'voicemail'].some((f) => errors.of(f)),
    forwardings: Boolean(errors.of('forwardings')),
  };

  return (
    <>
      <PageHeader
        title={existing ? userLabel(existing) : 'Add a user'}
        subtitle={existing ? 'Edit the user; Apply changes publishes the edit.' : 'A new phone with its extension.'}
        back={{ href: '#/users', label: 'Users' }}
      >
        {existing && (
          <button type="button" class="btn btn-danger-outline" onClick={() => setConfirmingDelete(true)}>
            Delete user
          </button>
        )}
      </PageHeader>
      <div class="tabs" role="tablist" aria-label="User">
        {(['general', 'forwardings'] as const).map((name) => (
          <a
            key={name}
            role="tab"
            aria-selected={tab === name}
            class={`tab${tab === name ? ' active' : ''}`}
            href={href({ page: 'user', id, tab: name })}
          >
            {name === 'general' ? 'General' : 'Forwardings'}
            {tabErrors[name] && tab !== name && <span class="tab-error" aria-label="has errors" />}
          </a>
        ))}
      </div>
      <form onSubmit={save} noValidate>
        <ErrorBanner error={submission.error} unshown={errors.unshown()} />
        {tab === 'general' ? (
          <div class="card form" role="tabpanel" aria-label="General">
            <div class="form-grid">
              <Field id="user-name" label="Name" error={errors.of('name')}>
                {(control) => <input {...control} value={name} autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} />}
              </Field>
              <Field id="user-extension" label="Extension" error={errors.of('extension')} hint="2 to 6 digits, unique.">
                {(control) => (
                  <input {...control} class="input-short" inputMode="numeric" value={extension} onInput={(e) => setExtension(e.currentTarget.value)} />
                )}
              </Field>
              <Field id="user-email" label="E-mail" error={errors.of('email')}>
                {(control) => <input {...control} type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
              </Field>
              <Field
                id="user-password"
                label="Password"
                error={errors.of('password')}
                hint={existing ? 'Leave empty to keep the current password.' : 'At least 6 characters; the user signs in to the softphone with it.'}
              >
                {(control) => (
                  <input
                    {...control}
                    type="password"
                    autocomplete="new-password"
                    placeholder={existing ? 'leave empty to keep' : ''}
                    value={password}
                    onInput={(e) => setPassword(e.currentTarget.value)}
                  />
                )}
              </Field>
              <YesNo
                id="user-voicemail"
                label="Voicemail"
                value={voicemail}
                onChange={setVoicemail}
                error={errors.of('voicemail')}
                hint={voicemail ? 'The user has a voicemail box.' : 'No: the box is disabled, its messages are kept.'}
              />
            </div>
          </div>
        ) : (
          <div role="tabpanel" aria-label="Forwardings" class="stack">
            <ForwardingChainEditor
              kind="noAnswer"
              title="Forwarding on no answer"
              description="When the user does not answer, the call tries these steps in order."
              chain={noAnswer}
              onChange={setNoAnswer}
              config={config}
              userId={id}
              userHasVoicemail={voicemail}
              errors={errors}
            />
            <ForwardingChainEditor
              kind="busy"
              title="Forwarding on busy"
              description="When the user is already on a call, the call tries these steps in order."
              chain={onBusy}
              onChange={setOnBusy}
              config={config}
              userId={id}
              userHasVoicemail={voicemail}
              errors={errors}
            />
          </div>
        )}
        <div class="form-actions form-actions-page">
          <a class="btn btn-secondary" href="#/users">
            Cancel
          </a>
          <button type="submit" class="btn btn-primary" disabled={submission.busy}>
            {existing ? 'Save' : 'Add the user'}
          </button>
        </div>
      </form>
      {confirmingDelete && existing && (
        <ConfirmDialog
          title="Delete this user?"
          message={`${userLabel(existing)} will be removed when you apply changes. The voicemail box and its messages are kept, as a box added by hand.`}
          confirmLabel="Delete user"
          danger
          onConfirm={remove}
          onCancel={() => setConfirmingDelete(false)}
        />
      )}
    </>
  );
}
