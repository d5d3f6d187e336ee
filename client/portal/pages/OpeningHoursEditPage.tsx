// Adding or editing opening hours: weekly time ranges, holidays, and where calls go when open and
// when closed. The page says which branch applies now (as saved in the draft, at the PBX's clock).
import { useState } from 'preact/hooks';
import { WEEKDAYS, type Destination, type Holiday, type WeeklyRange } from '../../../data/schema.ts';
import type { OpeningHoursInput } from '../api.ts';
import { DestinationPicker } from '../components/DestinationPicker.tsx';
import { EditPage, NotFoundPage } from '../components/EditPage.tsx';
import { Field } from '../components/Field.tsx';
import { useEntityEditing } from '../entity-editing.ts';
import { FormErrors } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { useLoaded } from '../use-loaded.ts';
import { openingStateInWords } from '../words.ts';

const DAY_NAMES: Record<WeeklyRange['day'], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const OPENING_HOURS = { href: '#/opening-hours', label: 'Opening hours' };

export function OpeningHoursEditPage({ id }: { id: string | null }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const existing = id === null ? null : config.openingHours.find((h) => h.id === id);
  const [name, setName] = useState(existing?.name ?? '');
  const [ranges, setRanges] = useState<WeeklyRange[]>(existing?.ranges ?? WEEKDAYS.slice(0, 5).map((day) => ({ day, from: '09:00', to: '18:00' })));
  const [holidays, setHolidays] = useState<Holiday[]>(existing?.holidays ?? []);
  const [open, setOpen] = useState<Destination>(existing?.open ?? { type: 'user', userId: config.users[0]?.id ?? '' });
  const [closed, setClosed] = useState<Destination>(existing?.closed ?? { type: 'hangup' });
  const now = useLoaded(() => api.openingHoursNow(), [api, config]);
  const editing = useEntityEditing({ collection: api.openingHours, id: existing?.id ?? null, noun: 'Opening hours', list: { page: 'opening-hours' } });
  const errors = new FormErrors(editing.submission.error, ['name', 'ranges', 'holidays', 'open', 'closed']);

  if (existing === undefined) {
    return (
      <NotFoundPage title="Opening hours not found" back={OPENING_HOURS}>
        These opening hours do not exist in the draft (anymore).
      </NotFoundPage>
    );
  }

  const state = existing ? now.data?.openingHours.find((h) => h.id === existing.id) : undefined;
  const setRange = (index: number, patch: Partial<WeeklyRange>) => setRanges(ranges.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const setHoliday = (index: number, patch: Partial<Holiday>) => setHolidays(holidays.map((h, i) => (i === index ? { ...h, ...patch } : h)));

  const save = () => {
    const input: OpeningHoursInput = { name: name.trim(), ranges, holidays: holidays.map((h) => ({ date: h.date.trim(), name: h.name.trim() })), open, closed };
    editing.save(input, input.name);
  };

  return (
    <EditPage
      title={existing ? `Opening hours ${existing.name}` : 'Add opening hours'}
      subtitle={
        state && now.data ? (
          <span data-testid="opening-hours-now">
            Now ({now.data.local.day} {now.data.local.time}, {now.data.timeZone}):{' '}
            <span class={`now-state ${state.open ? 'now-open' : 'now-closed'}`}>{openingStateInWords(state)}</span>
          </span>
        ) : (
          `Read in the time zone of Settings${now.data ? ` (${now.data.timeZone})` : ''}.`
        )
      }
      back={OPENING_HOURS}
      editing={editing}
      errors={errors}
      onSave={save}
      submitLabel={existing ? 'Save' : 'Add the opening hours'}
      deletion={existing && { label: 'Delete', title: 'Delete these opening hours?', message: `${existing.name} will be removed when you apply changes.`, name: existing.name }}
    >
      <div class="card form">
        <Field id="hours-name" label="Name" error={errors.of('name')}>
          {(control) => <input {...control} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="card form">
        <h2 class="card-title">Open</h2>
        <p class="card-subtitle">From the start time up to (not including) the end time; 24:00 for midnight. A range past midnight is two ranges.</p>
        <table class="table" data-testid="opening-ranges">
          <tbody>
            {ranges.map((range, index) => (
              <tr key={index} data-testid={`range-${index}`}>
                <td>
                  <select aria-label={`Range ${index + 1}: day`} value={range.day} onChange={(e) => setRange(index, { day: e.currentTarget.value as WeeklyRange['day'] })}>
                    {WEEKDAYS.map((day) => (
                      <option key={day} value={day}>
                        {DAY_NAMES[day]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input class="time-input mono" aria-label={`Range ${index + 1}: from`} placeholder="09:00" value={range.from} onInput={(e) => setRange(index, { from: e.currentTarget.value })} />
                  {' – '}
                  <input class="time-input mono" aria-label={`Range ${index + 1}: to`} placeholder="18:00" value={range.to} onInput={(e) => setRange(index, { to: e.currentTarget.value })} />
                  {errors.of(`ranges.${index}`) && <p class="field-error">{errors.of(`ranges.${index}`)}</p>}
                </td>
                <td class="actions-col">
                  <button type="button" class="icon-button icon-button-danger" aria-label={`Remove range ${index + 1}`} onClick={() => setRanges(ranges.filter((_, i) => i !== index))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {ranges.length === 0 && <p class="empty-inline">No range: always closed.</p>}
        <div>
          <button type="button" class="btn btn-secondary" onClick={() => setRanges([...ranges, { day: 'mon', from: '09:00', to: '18:00' }])}>
            Add a range
          </button>
        </div>
      </div>
      <div class="card form">
        <h2 class="card-title">Holidays</h2>
        <p class="card-subtitle">Closed all day, whatever the ranges say.</p>
        <table class="table" data-testid="holidays">
          <tbody>
            {holidays.map((holiday, index) => (
              <tr key={index} data-testid={`holiday-${index}`}>
                <td>
                  <input type="date" aria-label={`Holiday ${index + 1}: date`} value={holiday.date} onInput={(e) => setHoliday(index, { date: e.currentTarget.value })} />
                  {errors.of(`holidays.${index}`) && <p class="field-error">{errors.of(`holidays.${index}`)}</p>}
                </td>
                <td>
                  <input aria-label={`Holiday ${index + 1}: name`} placeholder="e.g. Christmas" value={holiday.name} onInput={(e) => setHoliday(index, { name: e.currentTarget.value })} />
                </td>
                <td class="actions-col">
                  <button type="button" class="icon-button icon-button-danger" aria-label={`Remove holiday ${index + 1}`} onClick={() => setHolidays(holidays.filter((_, i) => i !== index))}>
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>
          <button type="button" class="btn btn-secondary" onClick={() => setHolidays([...holidays, { date: '', name: '' }])}>
            Add a holiday
          </button>
        </div>
      </div>
      <div class="card form">
        <h2 class="card-title">Where calls go</h2>
        <div class="form-grid">
          <DestinationPicker id="hours-open" label="When open" value={open} onChange={(next) => next && setOpen(next)} config={config} error={errors.of('open')} />
          <DestinationPicker id="hours-closed" label="When closed" value={closed} onChange={(next) => next && setClosed(next)} config={config} error={errors.of('closed')} />
        </div>
      </div>
    </EditPage>
  );
}
