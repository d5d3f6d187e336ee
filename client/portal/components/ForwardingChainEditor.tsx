// One forwarding chain of a user (on no answer, or on busy): the ordered list of phones and boxes a
// call tries, and whether it ends in the user's own voicemail.
import { useState } from 'preact/hooks';
import type { ForwardingChain, ForwardingTarget } from '../../../data/schema.ts';
import type { PortalConfig } from '../api.ts';
import type { FormErrors } from '../form.ts';
import { userLabel } from '../words.ts';
import { Checkbox, Field } from './Field.tsx';

export interface ChainForm extends ForwardingChain {
  /** Only for "on no answer"; edited as text, checked by the server. */
  afterSeconds?: string;
}

interface ChainEditorProps {
  /** "noAnswer" or "busy": names the fields, as the API does (forwardings.noAnswer.targets…). */
  kind: 'noAnswer' | 'busy';
  title: string;
  description: string;
  chain: ChainForm;
  onChange(chain: ChainForm): void;
  config: PortalConfig;
  /** The user being edited: not offered as a target of their own chain. */
  userId: string | null;
  userHasVoicemail: boolean;
  errors: FormErrors;
}

function targetKey(target: ForwardingTarget): string {
  return target.type === 'user' ? `user:${target.userId}` : `voicemail:${target.boxId}`;
}

function targetFromKey(key: string): ForwardingTarget | null {
  const [type, id] = key.split(':', 2);
  if (!id) return null;
  return type === 'user' ? { type: 'user', userId: id } : { type: 'voicemail', boxId: id };
}

function targetInWords(config: PortalConfig, target: ForwardingTarget): { kind: string; name: string } {
  if (target.type === 'user') {
    const user = config.users.find((u) => u.id === target.userId);
    return { kind: 'User', name: user ? userLabel(user) : 'a deleted user' };
  }
  const box = config.voicemailBoxes.find((b) => b.id === target.boxId);
  return { kind: 'Voicemail', name: box ? box.name : 'a deleted box' };
}

export function ForwardingChainEditor(props: ChainEditorProps) {
  const { kind, title, description, chain, onChange, config, userId, userHasVoicemail, errors } = props;
  const [choice, setChoice] = useState('');
  const base = `forwardings.${kind}`;
  const id = (name: string) => `fwd-${kind}-${name}`;
  const update = (patch: Partial<ChainForm>) => onChange({ ...chain, ...patch });
  const move = (from: number, to: number) => {
    const targets = [...chain.targets];
    const [moved] = targets.splice(from, 1);
    targets.splice(to, 0, moved!);
    update({ targets });
  };
  const used = new Set(chain.targets.map(targetKey));
  const users = config.users.filter((u) => u.id !== userId && !used.has(`user:${u.id}`));
  const boxes = config.voicemailBoxes.filter((b) => !used.has(`voicemail:${b.id}`));

  const addTarget = () => {
    const target = targetFromKey(choice);
    if (!target) return;
    update({ targets: [...chain.targets, target] });
    setChoice('');
  };

  return (
    <section class="card" data-testid={`forwarding-${kind}`} aria-labelledby={id('title')}>
      <h2 class="card-title" id={id('title')}>
        {title}
      </h2>
      <p class="card-subtitle">{description}</p>
      <Checkbox
        id={id('enabled')}
        label={`Enable ${title.toLowerCase()}`}
        checked={chain.enabled}
        onChange={(enabled) => update({ enabled })}
        error={errors.of(`${base}.enabled`)}
      />
      <fieldset class="chain" disabled={!chain.enabled}>
        <legend class="visually-hidden">{title} settings</legend>
        {chain.afterSeconds !== undefined && (
          <Field id={id('seconds')} label="Forward after (seconds)" error={errors.of(`${base}.afterSeconds`)} hint="How long each phone rings before the next step is tried.">
            {(control) => (
              <input
                {...control}
                class="input-short"
                inputMode="numeric"
                value={chain.afterSeconds}
                onInput={(e) => update({ afterSeconds: e.currentTarget.value })}
              />
            )}
          </Field>
        )}
        <div class="field">
          <span class="field-label">Forward to, in this order</span>
          {chain.targets.length === 0 ? (
            <p class="empty-inline">No target yet.</p>
          ) : (
            <ol class="targets" aria-label={`${title} targets`}>
              {chain.targets.map((target, index) => {
                const words = targetInWords(config, target);
                const step = index + 1;
                return (
                  <li key={targetKey(target)} class="target">
                    <span class="target-step">{step}</span>
                    <span class="target-kind">{words.kind}</span>
                    <span class="target-name">{words.name}</span>
                    <span class="target-actions">
                      <button type="button" class="icon-button" aria-label={`Move step ${step} up`} disabled={index === 0} onClick={() => move(index, index - 1)}>
                        ↑
                      </button>
                      <button
                        type="button"
                        class="icon-button"
                        aria-label={`Move step ${step} down`}
                        disabled={index === chain.targets.length - 1}
                        onClick={() => move(index, index + 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        class="icon-button icon-button-danger"
                        aria-label={`Remove step ${step}`}
                        onClick={() => update({ targets: chain.targets.filter((_, i) => i !== index) })}
                      >
                        ×
                      </button>
                    </span>
                  </li>
                );
              })}
            </ol>
          )}
          {errors.of(`${base}.targets`) && <p class="field-error">{errors.of(`${base}.targets`)}</p>}
          <div class="add-target">
            <label class="visually-hidden" for={id('add')}>
              Add a target to {title.toLowerCase()}
            </label>
            <select id={id('add')} value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
              <option value="">Choose a user or a voicemail box…</option>
              <optgroup label="Users">
                {users.map((u) => (
                  <option key={u.id} value={`user:${u.id}`}>
                    {userLabel(u)}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Voicemail boxes">
                {boxes.map((b) => (
                  <option key={b.id} value={`voicemail:${b.id}`}>
                    {b.name}
                    {b.enabled ? '' : ' (disabled)'}
                  </option>
                ))}
              </optgroup>
            </select>
            <button type="button" class="btn btn-secondary" disabled={!choice} onClick={addTarget}>
              Add
            </button>
          </div>
        </div>
        <Checkbox
          id={id('last-resort')}
          label="Send to voicemail as a last resort"
          checked={chain.voicemailLastResort}
          onChange={(voicemailLastResort) => update({ voicemailLastResort })}
          hint={userHasVoicemail ? 'When every step fails, the caller reaches this user’s voicemail.' : 'This user’s Voicemail is No: turn it on in General first.'}
          error={errors.of(`${base}.voicemailLastResort`)}
        />
      </fieldset>
    </section>
  );
}
