// Opening hours (the dial plan): each schedule, which branch applies now, and where each branch goes.
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { destinationInWords, openingStateInWords } from '../words.ts';

export function OpeningHoursListPage() {
  const { config } = useDraft();
  const { api } = usePortal();
  const now = useLoaded(() => api.openingHoursNow(), [api, config]);
  return (
    <ListPage
      title="Opening hours"
      subtitle={now.data ? `Weekly times and holidays in ${now.data.timeZone}; now it is ${now.data.local.day} ${now.data.local.time} there.` : 'Weekly times and holidays, in the time zone of Settings.'}
      add={{ label: 'Add opening hours', href: href({ page: 'opening-hours-edit', id: null }) }}
      testId="opening-hours-table"
      columns={['Name', 'Now', 'When open', 'When closed']}
      items={config.openingHours}
      rowTestId={(hours) => `opening-hours-row-${hours.id}`}
      cells={(hours) => {
        const state = now.data?.openingHours.find((h) => h.id === hours.id);
        return (
          <>
            <NameCell href={href({ page: 'opening-hours-edit', id: hours.id })}>{hours.name}</NameCell>
            <td data-testid={`opening-hours-now-${hours.id}`}>
              {state ? <span class={`now-state ${state.open ? 'now-open' : 'now-closed'}`}>{openingStateInWords(state)}</span> : <span class="muted">…</span>}
            </td>
            <td>{destinationInWords(config, hours.open)}</td>
            <td>{destinationInWords(config, hours.closed)}</td>
          </>
        );
      }}
      actions={(hours) => <EditLink href={href({ page: 'opening-hours-edit', id: hours.id })} name={hours.name} />}
      empty="No opening hours yet."
    />
  );
}
