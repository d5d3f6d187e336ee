// The messages a voicemail box holds, newest first: who called, what they dialled, when, how long,
// new or heard; each one playable in the page and downloadable (the Ogg Opus recording).
import { ActionsHeader } from '../components/ActionsHeader.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { callerInWords, dateInWords, durationInWords, messageCountsInWords } from '../words.ts';

export function VoicemailMessagesPage({ boxId }: { boxId: string }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const loaded = useLoaded(() => api.boxMessages(boxId), [api, boxId]);
  const name = config.voicemailBoxes.find((b) => b.id === boxId)?.name ?? loaded.data?.box.name ?? 'a deleted box';
  const messages = loaded.data?.messages ?? [];
  return (
    <>
      <PageHeader
        title={`Messages of ${name}`}
        subtitle={loaded.data ? messageCountsInWords(loaded.data.counts) : 'Loading…'}
        back={{ href: href({ page: 'voicemails' }), label: 'Voicemails' }}
      >
        <button type="button" class="btn btn-secondary" onClick={() => void loaded.reload()}>
          Refresh
        </button>
      </PageHeader>
      <ErrorBanner error={loaded.error} />
      <div class="card card-flush">
        <table class="table" data-testid="voicemail-messages-table">
          <thead>
            <tr>
              <th>From</th>
              <th>Number called</th>
              <th>Date</th>
              <th>Length</th>
              <th>Status</th>
              <th>Listen</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id} data-testid={`voicemail-message-row-${message.id}`}>
                <td>
                  <span class="strong">{callerInWords(message)}</span>
                  {message.callerName && message.callerNumber && <div class="muted small">{message.callerNumber}</div>}
                  {message.recovered && <div class="muted small">Recovered after a restart</div>}
                </td>
                <td>{message.dialled}</td>
                <td>{dateInWords(message.startedAt)}</td>
                <td>{durationInWords(message.durationMs)}</td>
                <td>{message.status === 'new' ? <span class="pill pill-on">New</span> : <span class="pill pill-off">Heard</span>}</td>
                <td>
                  <audio class="table-audio" controls preload="none" src={message.audioUrl} aria-label={`Message from ${callerInWords(message)}`} />
                </td>
                <td class="actions-col">
                  <a class="btn btn-small btn-secondary" href={`${message.audioUrl}?download=1`} download>
                    Download
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loaded.data && messages.length === 0 && <p class="empty">No message in this box.</p>}
      </div>
    </>
  );
}
