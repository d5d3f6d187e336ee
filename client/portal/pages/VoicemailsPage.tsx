// Every voicemail box: the users' own boxes and the ones added by hand (a team's, a department's),
// with the messages each one holds.
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { greetingInWords, messageCountsInWords, ownerInWords } from '../words.ts';

export function VoicemailsPage() {
  const { config } = useDraft();
  const { api } = usePortal();
  const counts = useLoaded(() => api.voicemailCounts(), [api]);
  return (
    <>
      <PageHeader title="Voicemails" subtitle="Users’ voicemail boxes and the boxes added by hand.">
        <a class="btn btn-primary" href={href({ page: 'voicemail', id: null })}>
          Add a voicemail
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="voicemails-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Owner</th>
              <th>Enabled</th>
              <th>Greeting</th>
              <th>Messages</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.voicemailBoxes.map((box) => (
              <tr key={box.id} data-testid={`voicemail-row-${box.id}`}>
                <td class="strong">
                  <a class="row-link" href={href({ page: 'voicemail', id: box.id })}>
                    {box.name}
                  </a>
                </td>
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
                <td class="actions-col">
                  <div class="button-row">
                    <a class="btn btn-small btn-secondary" href={href({ page: 'voicemail-messages', boxId: box.id })} aria-label={`Messages of ${box.name}`}>
                      Messages
                    </a>
                    <a class="btn btn-small btn-secondary" href={href({ page: 'voicemail', id: box.id })} aria-label={`Edit ${box.name}`}>
                      Edit
                    </a>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {config.voicemailBoxes.length === 0 && <p class="empty">No voicemail box yet.</p>}
      </div>
    </>
  );
}
