// Adding or editing a user: General (who they are, their password and voicemail) and Forwardings
// (where unanswered and busy calls go). Both tabs are one form, saved together.
import { useState } from 'preact/hooks';
import { defaultForwardings } from '../../../data/default-config.ts';
import type { UserInput } from '../api.ts';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Field, YesNo } from '../components/Field.tsx';
import { ForwardingChainEditor, type ChainForm } from '../components/ForwardingChainEditor.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors, numberOrText } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { userLabel } from '../words.ts';

interface UserEditPageProps {
  id: string | null;
  tab: 'general' | 'forwardings';
}

const SHOWN_FIELDS = ['name', 'email', 'extension', 'password', 'voicemail', 'forwardings'];

const USERS = { href: '#/users', label: 'Users' };

export function UserEditPage({ id, tab }: UserEditPageProps) {
  const { api } = usePortal();
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
  const editing = useEntityEditing({ collection: api.users, id: existing?.id ?? null, noun: 'User', list: { page: 'users' } });
  const errors = new FormErrors(editing.submission.error, SHOWN_FIELDS);

  if (existing === undefined) {
    return (
      <NotFoundPage title="User not found" back={USERS}>
        This user does not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const save = () => {
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
    editing.save(input, userLabel(input));
  };

  const tabErrors = {
    general: ['name', 'email', 'extension', 'password', 'voicemail'].some((f) => errors.of(f)),
    forwardings: Boolean(errors.of('forwardings')),
  };

  const tabs = (
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
  );

  return (
    <EditPage
      title={existing ? userLabel(existing) : 'Add a user'}
      subtitle={existing ? 'Edit the user; Apply changes publishes the edit.' : 'A new phone with its extension.'}
      back={USERS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the user'}
      deletion={
        existing && {
          label: 'Delete user',
          title: 'Delete this user?',
          message: `${userLabel(existing)} will be removed when you apply changes. The voicemail box and its messages are kept, as a box added by hand.`,
          name: userLabel(existing),
        }
      }
      beforeForm={tabs}
      stack={false}
    >
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
    </EditPage>
  );
}
