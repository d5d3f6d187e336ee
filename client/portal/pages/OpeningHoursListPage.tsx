// Opening hours (the dial plan): each schedule, which branch applies now, and where each branch goes.
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { destinationInWords, openingStateInWords } from '../words.ts';

export function OpeningHoursListPage() {
  const { config } = useDraft();
  const { api } = usePortal();
  const now = useLoaded(() => api.openingHoursNow(), [api, config]);
  return (
    <>
      <PageHeader
        title="Opening hours"
        subtitle={now.data ? `Weekly times and holidays in ${now.data.timeZone}; now it is ${now.data.local.day} ${now.data.local.time} there.` : 'Weekly times and holidays, in the time zone of Settings.'}
      >
        <a class="btn btn-primary" href={href({ page: 'opening-hours-edit', id: null })}>
          Add opening hours
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="opening-hours-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Now</th>
              <th>When open</th>
              <th>When closed</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.openingHours.map((hours) => {
              const state = now.data?.openingHours.find((h) => h.id === hours.id);
              return (
                <tr key={hours.id} data-testid={`opening-hours-row-${hours.id}`}>
                  <td class="strong">
                    <a class="row-link" href={href({ page: 'opening-hours-edit', id: hours.id })}>
                      {hours.name}
                    </a>
                  </td>
                  <td data-testid={`opening-hours-now-${hours.id}`}>
                    {state ? <span class={`now-state ${state.open ? 'now-open' : 'now-closed'}`}>{openingStateInWords(state)}</span> : <span class="muted">…</span>}
                  </td>
                  <td>{destinationInWords(config, hours.open)}</td>
                  <td>{destinationInWords(config, hours.closed)}</td>
                  <td class="actions-col">
                    <a class="btn btn-small btn-secondary" href={href({ page: 'opening-hours-edit', id: hours.id })} aria-label={`Edit ${hours.name}`}>
                      Edit
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {config.openingHours.length === 0 && <p class="empty">No opening hours yet.</p>}
      </div>
    </>
  );
}
