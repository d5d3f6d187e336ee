// Adding or editing an IVR menu: its prompt, how long it waits, how often it repeats, a row per key
// with the shared destination picker, and where callers go when they choose nothing valid.
import { useState } from 'preact/hooks';
import { MENU_KEYS, type Destination, type MenuKey } from '../../../data/schema.ts';
import type { IvrMenuInput } from '../api.ts';
import { AudioMessageSelect } from '../components/AudioMessageSelect.tsx';
import { DestinationPicker } from '../components/DestinationPicker.tsx';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Field } from '../components/Field.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors, numberOrText } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';

type KeyDestinations = Partial<Record<MenuKey, Destination>>;

const MENUS = { href: '#/ivr-menus', label: 'IVR menus' };

export function IvrMenuEditPage({ id }: { id: string | null }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.ivrMenus.find((m) => m.id === id);
  const [name, setName] = useState(existing?.name ?? '');
  const [promptMessageId, setPromptMessageId] = useState(existing?.promptMessageId ?? '');
  const [spokenText, setSpokenText] = useState(existing?.spokenText ?? '');
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(existing?.timeoutSeconds ?? 5));
  const [retries, setRetries] = useState(String(existing?.retries ?? 2));
  const [keys, setKeys] = useState<KeyDestinations>(Object.fromEntries((existing?.choices ?? []).map((c) => [c.key, c.destination])));
  const [fallback, setFallback] = useState<Destination>(existing?.fallback ?? { type: 'hangup' });
  const editing = useEntityEditing({ collection: api.ivrMenus, id: existing?.id ?? null, noun: 'IVR menu', list: { page: 'ivr-menus' } });
  const errors = new FormErrors(editing.submission.error, ['name', 'promptMessageId', 'spokenText', 'timeoutSeconds', 'retries', 'choices', 'fallback']);

  if (existing === undefined) {
    return (
      <NotFoundPage title="Menu not found" back={MENUS}>
        This menu does not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const save = () => {
    const input: IvrMenuInput = {
      name: name.trim(),
      promptMessageId: promptMessageId === '' ? null : promptMessageId,
      spokenText: spokenText.trim(),
      timeoutSeconds: numberOrText(timeoutSeconds) as number,
      retries: numberOrText(retries) as number,
      choices: MENU_KEYS.flatMap((key) => (keys[key] ? [{ key, destination: keys[key]! }] : [])),
      fallback,
    };
    editing.save(input, input.name);
  };

  // The server names a key's problem by its index in `choices`, which follows keypad order.
  const usedKeys = MENU_KEYS.filter((key) => keys[key]);
  const keyError = (key: MenuKey) => {
    const index = usedKeys.indexOf(key);
    return index === -1 ? undefined : errors.of(`choices.${index}`);
  };

  return (
    <EditPage
      title={existing ? `IVR menu ${existing.name}` : 'Add an IVR menu'}
      subtitle="Callers hear the prompt, then choose with a key."
      back={MENUS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the menu'}
      deletion={existing && { label: 'Delete menu', title: 'Delete this menu?', message: `${existing.name} will be removed when you apply changes.`, name: existing.name }}
    >
      <div class="card form">
        <h2 class="card-title">Prompt</h2>
        <div class="form-grid">
          <Field id="menu-name" label="Name" error={errors.of('name')}>
            {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id="menu-prompt" label="Prompt (audio message)" error={errors.of('promptMessageId')} hint="Played when the menu starts and at every repeat.">
            {(control) => <AudioMessageSelect control={control} messages={config.audioMessages} value={promptMessageId} onChange={setPromptMessageId} noneLabel="None: speak the text below" />}
          </Field>
        </div>
        <Field
          id="menu-spoken-text"
          label="Spoken text when the prompt has no audio"
          error={errors.of('spokenText')}
          hint="Read by the PBX's voice in the global language. Empty: the keys are listed (“Please choose 1, 2 or 9”)."
        >
          {(control) => <textarea {...control} rows={2} value={spokenText} onInput={(e) => setSpokenText(e.currentTarget.value)} />}
        </Field>
        <div class="form-grid">
          <Field id="menu-timeout" label="Wait for a key (seconds)" error={errors.of('timeoutSeconds')} hint="After the prompt, 1 to 60.">
            {(control) => <input {...control} class="input-short" inputMode="numeric" value={timeoutSeconds} onInput={(e) => setTimeoutSeconds(e.currentTarget.value)} />}
          </Field>
          <Field id="menu-retries" label="Repeats" error={errors.of('retries')} hint="After an invalid key (“invalid choice”) or no key, 0 to 10.">
            {(control) => <input {...control} class="input-short" inputMode="numeric" value={retries} onInput={(e) => setRetries(e.currentTarget.value)} />}
          </Field>
        </div>
      </div>
      <div class="card card-flush">
        <h2 class="card-title card-title-padded">Keys</h2>
        <table class="table" data-testid="menu-keys">
          <thead>
            <tr>
              <th>Key</th>
              <th>Destination</th>
            </tr>
          </thead>
          <tbody>
            {MENU_KEYS.map((key) => (
              <tr key={key} data-testid={`menu-key-${key}`}>
                <td class="key-cell">{key}</td>
                <td>
                  <DestinationPicker
                    id={`menu-key-${key === '*' ? 'star' : key === '#' ? 'pound' : key}`}
                    label={`Key ${key}`}
                    value={keys[key] ?? null}
                    onChange={(destination) => setKeys({ ...keys, [key]: destination ?? undefined })}
                    config={config}
                    noneLabel="Not used"
                    error={keyError(key)}
                    compact
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {errors.of('choices') && !usedKeys.some((key) => keyError(key)) && <p class="field-error card-title-padded">{errors.of('choices')}</p>}
      </div>
      <div class="card form">
        <h2 class="card-title">When no valid key</h2>
        <p class="card-subtitle">After the last repeat, callers go here.</p>
        <div class="form-grid">
          <DestinationPicker id="menu-fallback" label="Fallback destination" value={fallback} onChange={(next) => next && setFallback(next)} config={config} error={errors.of('fallback')} />
        </div>
      </div>
    </EditPage>
  );
}
