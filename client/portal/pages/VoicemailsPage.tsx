// Every voicemail box: the users' own boxes and the ones added by hand (a team's, a department's),
// with the messages each one holds.
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { greetingInWords, messageCountsInWords, ownerInWords } from '../words.ts';

export function VoicemailsPage() {
  const { config } = useDraft();
  const { api } = usePortal();
  const counts = useLoaded(() => api.voicemailCounts(), [api]);
  return (
    <ListPage
      title="Voicemails"
      subtitle="Users’ voicemail boxes and the boxes added by hand."
      add={{ label: 'Add a voicemail', href: href({ page: 'voicemail', id: null }) }}
      testId="voicemails-table"
      columns={['Name', 'E-mail', 'Owner', 'Enabled', 'Greeting', 'Messages']}
      items={config.voicemailBoxes}
      rowTestId={(box) => `voicemail-row-${box.id}`}
      cells={(box) => (
        <>
          <NameCell href={href({ page: 'voicemail', id: box.id })}>{box.name}</NameCell>
          <td>{box.email}</td>
          <td>{box.owner.type === 'user' ? ownerInWords(config, box) : <span class="muted">{ownerInWords(config, box)}</span>}</td>
          <td>{box.enabled ? <span class="pill pill-on">Yes</span> : <span class="pill pill-off">No</span>}</td>
          <td>{greetingInWords(config, box.greeting)}</td>
          <td data-testid={`voicemail-counts-${box.id}`}>
            {counts.data ? (
              <a class="row-link" href={href({ page: 'voicemail-messages', boxId: box.id })}>
                {messageCountsInWords(counts.data.counts[box.id])}
              </a>
            ) : (
              <span class="muted">{counts.error ? 'Unavailable' : '…'}</span>
            )}
          </td>
        </>
      )}
      actions={(box) => (
        <div class="button-row">
          <a class="btn btn-small btn-secondary" href={href({ page: 'voicemail-messages', boxId: box.id })} aria-label={`Messages of ${box.name}`}>
            Messages
          </a>
          <EditLink href={href({ page: 'voicemail', id: box.id })} name={box.name} />
        </div>
      )}
      empty="No voicemail box yet."
    />
  );
}
