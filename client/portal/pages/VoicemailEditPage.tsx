// Adding or editing a voicemail box. A user's box takes its name and e-mail from the user, so those
// are shown read-only here.
import { useState } from 'preact/hooks';
import { DEFAULT_VOICEMAIL_LIMITS, type Greeting, type VoicemailLimits } from '../../../data/schema.ts';
import type { VoicemailBoxInput } from '../api.ts';
import { AudioMessageSelect } from '../components/AudioMessageSelect.tsx';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Checkbox, Field } from '../components/Field.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors, numberOrText } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { ownerInWords } from '../words.ts';

const VOICEMAILS = { href: '#/voicemails', label: 'Voicemails' };

const LIMIT_FIELDS: { key: keyof VoicemailLimits; label: string; hint: string }[] = [
  { key: 'maxMessageSeconds', label: 'Longest message (seconds)', hint: `Default ${DEFAULT_VOICEMAIL_LIMITS.maxMessageSeconds}.` },
  { key: 'minMessageSeconds', label: 'Shortest message kept (seconds)', hint: `Default ${DEFAULT_VOICEMAIL_LIMITS.minMessageSeconds}.` },
  { key: 'silenceEndSeconds', label: 'Silence that ends a message (seconds)', hint: `Default ${DEFAULT_VOICEMAIL_LIMITS.silenceEndSeconds}.` },
  { key: 'maxMessages', label: 'Messages kept at most', hint: `Default ${DEFAULT_VOICEMAIL_LIMITS.maxMessages}.` },
];

type LimitsForm = Record<keyof VoicemailLimits, string>;

function limitsAsText(limits: VoicemailLimits): LimitsForm {
  return {
    maxMessageSeconds: String(limits.maxMessageSeconds),
    minMessageSeconds: String(limits.minMessageSeconds),
    silenceEndSeconds: String(limits.silenceEndSeconds),
    maxMessages: String(limits.maxMessages),
  };
}

export function VoicemailEditPage({ id }: { id: string | null }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.voicemailBoxes.find((b) => b.id === id);
  const ownedByUser = existing?.owner.type === 'user';
  const [name, setName] = useState(existing?.name ?? '');
  const [email, setEmail] = useState(existing?.email ?? '');
  const [greetingKey, setGreetingKey] = useState(existing?.greeting.type === 'audio' ? existing.greeting.audioMessageId : '');
  const [pin, setPin] = useState(existing?.pin ?? '');
  const [limits, setLimits] = useState<LimitsForm>(limitsAsText(existing?.limits ?? DEFAULT_VOICEMAIL_LIMITS));
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const editing = useEntityEditing({ collection: api.voicemailBoxes, id: existing?.id ?? null, noun: 'Voicemail box', list: { page: 'voicemails' } });
  const errors = new FormErrors(editing.submission.error, ['name', 'email', 'greeting', 'pin', 'limits', 'enabled']);

  if (existing === undefined) {
    return (
      <NotFoundPage title="Voicemail box not found" back={VOICEMAILS}>
        This voicemail box does not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const save = () => {
    const greeting: Greeting = greetingKey === '' ? { type: 'default' } : { type: 'audio', audioMessageId: greetingKey };
    const input: VoicemailBoxInput = {
      name: name.trim(),
      email: email.trim(),
      enabled,
      greeting,
      // Empty: a new box gets a random PIN, an edited one keeps its own.
      ...(pin.trim() === '' ? {} : { pin: pin.trim() }),
      // Mistyped numbers go as typed: the server's message then lands next to the field.
      limits: {
        maxMessageSeconds: numberOrText(limits.maxMessageSeconds) as number,
        minMessageSeconds: numberOrText(limits.minMessageSeconds) as number,
        silenceEndSeconds: numberOrText(limits.silenceEndSeconds) as number,
        maxMessages: numberOrText(limits.maxMessages) as number,
      },
    };
    editing.save(input, input.name);
  };

  return (
    <EditPage
      title={existing ? `Voicemail ${existing.name}` : 'Add a voicemail'}
      subtitle={existing ? ownerInWords(config, existing) : 'A box added by hand, e.g. for a team or a department.'}
      back={VOICEMAILS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the voicemail'}
      deletion={
        existing && !ownedByUser
          ? { label: 'Delete box', title: 'Delete this voicemail box?', message: `${existing.name} will be removed when you apply changes.`, name: existing.name }
          : null
      }
    >
      <div class="card form">
        <h2 class="card-title">Box</h2>
        <div class="form-grid">
          <Field id="box-name" label="Name" error={errors.of('name')} hint={ownedByUser ? 'From the user.' : undefined}>
            {(control) => <input {...control} value={name} readOnly={ownedByUser} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field
            id="box-email"
            label="Notification e-mail"
            error={errors.of('email')}
            hint={ownedByUser ? 'From the user.' : 'New messages are sent to this address.'}
          >
            {(control) => (
              <input {...control} type="email" value={email} readOnly={ownedByUser} onInput={(e) => setEmail(e.currentTarget.value)} />
            )}
          </Field>
          <Field id="box-greeting" label="Greeting" error={errors.of('greeting')} hint="Played to callers before the beep.">
            {(control) => <AudioMessageSelect control={control} messages={config.audioMessages} value={greetingKey} onChange={setGreetingKey} noneLabel="Default greeting" />}
          </Field>
          <Field id="box-pin" label="PIN" error={errors.of('pin')} hint={existing ? '4 to 8 digits, to listen to messages by phone.' : '4 to 8 digits; leave empty for a random PIN.'}>
            {(control) => (
              <input {...control} class="input-short" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
            )}
          </Field>
        </div>
        <Checkbox
          id="box-enabled"
          label="Enabled"
          checked={enabled}
          onChange={setEnabled}
          disabled={ownedByUser}
          error={errors.of('enabled')}
          hint={ownedByUser ? 'Follows the user’s Voicemail Yes/No.' : 'A disabled box takes no new messages; stored ones are kept.'}
        />
      </div>
      <div class="card form">
        <h2 class="card-title">Limits</h2>
        <div class="form-grid">
          {LIMIT_FIELDS.map(({ key, label, hint }) => (
            <Field key={key} id={`box-${key}`} label={label} error={errors.of(`limits.${key}`)} hint={hint}>
              {(control) => (
                <input
                  {...control}
                  class="input-short"
                  inputMode="numeric"
                  value={limits[key]}
                  onInput={(e) => setLimits({ ...limits, [key]: e.currentTarget.value })}
                />
              )}
            </Field>
          ))}
        </div>
        {errors.of('limits') && !LIMIT_FIELDS.some(({ key }) => errors.of(`limits.${key}`)) && <p class="field-error">{errors.of('limits')}</p>}
      </div>
    </EditPage>
  );
}
