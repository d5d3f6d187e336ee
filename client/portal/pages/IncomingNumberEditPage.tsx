// Adding or editing an incoming number: where voice calls go, what callers hear first, and whether
// the number takes SMS (and to which address they are e-mailed).
import { useState } from 'preact/hooks';
import type { Destination } from '../../../data/schema.ts';
import type { IncomingNumberInput, PortalConfig } from '../api.ts';
import { AudioMessageSelect } from '../components/AudioMessageSelect.tsx';
import { DestinationPicker, firstDestination } from '../components/DestinationPicker.tsx';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Checkbox, Field } from '../components/Field.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';

const NUMBERS = { href: '#/numbers', label: 'Incoming numbers' };

export function IncomingNumberEditPage({ id }: { id: string | null }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.incomingNumbers.find((n) => n.id === id);
  const [number, setNumber] = useState(existing?.number ?? '');
  const [label, setLabel] = useState(existing?.label ?? '');
  const [destination, setDestination] = useState<Destination>(existing?.destination ?? firstDestination(config, 'user'));
  const [preAnswerMessageId, setPreAnswerMessageId] = useState(existing?.preAnswerMessageId ?? '');
  const ringing = existing?.whileRinging;
  const [waitingMusic, setWaitingMusic] = useState(ringing?.type === 'music-on-hold');
  const [repeatedMessageId, setRepeatedMessageId] = useState(ringing?.type === 'music-on-hold' ? (ringing.repeatedMessageId ?? '') : '');
  const [repeatAfterSeconds, setRepeatAfterSeconds] = useState(String(ringing?.type === 'music-on-hold' ? ringing.repeatAfterSeconds : 30));
  const [smsCompatible, setSmsCompatible] = useState(existing?.smsCompatible ?? false);
  const [smsEmail, setSmsEmail] = useState(existing?.smsEmail ?? '');
  const editing = useEntityEditing({ collection: api.incomingNumbers, id: existing?.id ?? null, noun: 'Incoming number', list: { page: 'numbers' } });
  const errors = new FormErrors(editing.submission.error, ['number', 'label', 'destination', 'preAnswerMessageId', 'whileRinging', 'smsCompatible', 'smsEmail']);

  if (existing === undefined) {
    return (
      <NotFoundPage title="Number not found" back={NUMBERS}>
        This incoming number does not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const save = () => {
    const input: IncomingNumberInput = {
      number: number.trim().replace(/[\s.-]/g, ''),
      label: label.trim(),
      destination,
      preAnswerMessageId: preAnswerMessageId === '' ? null : preAnswerMessageId,
      whileRinging: waitingMusic
        ? { type: 'music-on-hold', repeatedMessageId: repeatedMessageId === '' ? null : repeatedMessageId, repeatAfterSeconds: Number(repeatAfterSeconds) }
        : { type: 'ringback' },
      smsCompatible,
      smsEmail: smsCompatible ? smsEmail.trim() : '',
    };
    editing.save(input, input.number);
  };

  return (
    <EditPage
      title={existing ? existing.number : 'Add a number'}
      subtitle={existing?.label || 'An outside number callers dial.'}
      back={NUMBERS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the number'}
      deletion={
        existing && {
          label: 'Delete number',
          title: 'Delete this number?',
          message: `${existing.number} will no longer be answered once you apply changes.`,
          name: existing.number,
        }
      }
    >
      <div class="card form">
        <h2 class="card-title">Number</h2>
        <div class="form-grid">
          <Field id="number-number" label="Number" error={errors.of('number')} hint="International format, e.g. +33187654321.">
            {(control) => <input {...control} class="mono" type="tel" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />}
          </Field>
          <Field id="number-label" label="Label" error={errors.of('label')} hint="A name for this number, e.g. Main line.">
            {(control) => <input {...control} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />}
          </Field>
        </div>
      </div>
      <div class="card form">
        <h2 class="card-title">Voice calls</h2>
        <div class="form-grid">
          <DestinationPicker
            id="number-destination"
            label="Destination type for voice call"
            value={destination}
            onChange={(next) => next && setDestination(next)}
            config={config}
            error={errors.of('destination')}
          />
          <Field
            id="number-pre-answer"
            label="Audio message before answer"
            error={errors.of('preAnswerMessageId')}
            hint={config.audioMessages.length === 0 ? 'Add audio messages to play one here.' : 'Played to the caller before the call is answered.'}
          >
            {(control) => <AudioMessageSelect control={control} messages={config.audioMessages} value={preAnswerMessageId} onChange={setPreAnswerMessageId} noneLabel="None" />}
          </Field>
        </div>
      </div>
      <div class="card form">
        <h2 class="card-title">While the phones ring</h2>
        <div class="form-grid">
          <Field id="number-while-ringing" label="Callers hear" error={errors.of('whileRinging.type')}>
            {(control) => (
              <select {...control} value={waitingMusic ? 'music-on-hold' : 'ringback'} onChange={(e) => setWaitingMusic(e.currentTarget.value === 'music-on-hold')}>
                <option value="ringback">The ringback tone</option>
                <option value="music-on-hold">Music on hold instead of ringback</option>
              </select>
            )}
          </Field>
          {waitingMusic && (
            <Field
              id="number-repeated-message"
              label="Message repeated over the music"
              error={errors.of('whileRinging.repeatedMessageId')}
              hint="Played at the start, then again after every few seconds of music; the music is lowered under the voice."
            >
              {(control) => <AudioMessageSelect control={control} messages={config.audioMessages} value={repeatedMessageId} onChange={setRepeatedMessageId} noneLabel="None: music only" marksSilent />}
            </Field>
          )}
          {waitingMusic && repeatedMessageId !== '' && (
            <Field id="number-repeat-after" label="Repeat after (seconds of music)" error={errors.of('whileRinging.repeatAfterSeconds')} hint="5 to 600 seconds.">
              {(control) => (
                <input {...control} type="number" min={5} max={600} step={1} value={repeatAfterSeconds} onInput={(e) => setRepeatAfterSeconds(e.currentTarget.value)} />
              )}
            </Field>
          )}
        </div>
      </div>
      <div class="card form">
        <h2 class="card-title">SMS</h2>
        <Checkbox
          id="number-sms-compatible"
          label="SMS compatible"
          checked={smsCompatible}
          onChange={setSmsCompatible}
          error={errors.of('smsCompatible')}
          hint="SMS sent to this number are e-mailed."
        />
        {existing && (
          <p class="small">
            <a href={href({ page: 'number-sms', id: existing.id })}>See the SMS this number received</a>
          </p>
        )}
        {smsCompatible && (
          <Field id="number-sms-email" label="Destination email address for incoming SMS" error={errors.of('smsEmail')}>
            {(control) => (
              <input
                {...control}
                type="email"
                placeholder="empty: the default address is used"
                value={smsEmail}
                onInput={(e) => setSmsEmail(e.currentTarget.value)}
              />
            )}
          </Field>
        )}
      </div>
    </EditPage>
  );
}
