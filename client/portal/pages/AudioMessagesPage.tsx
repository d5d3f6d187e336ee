// Audio messages: greetings and announcements used by voicemail boxes and incoming numbers. For now a
// message is a name; recording, uploading and text-to-speech come with a later release.
import { useState } from 'preact/hooks';
import type { AudioMessage } from '../../../data/schema.ts';
import { AudioMessageUploadDialog } from '../components/AudioMessageUploadDialog.tsx';
import { LaterReleaseDialog } from '../components/Dialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { audioSourceInWords, durationInWords } from '../words.ts';

export function AudioMessagesPage() {
  const { audioMessages } = useDraft().config;
  const [later, setLater] = useState<string | null>(null);
  const [uploadingFor, setUploadingFor] = useState<AudioMessage | null>(null);
  return (
    <>
      <PageHeader title="Audio messages" subtitle="Greetings and announcements for voicemail boxes and incoming numbers.">
        <a class="btn btn-primary" href={href({ page: 'audio-message-new' })}>
          Add a message
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="audio-messages-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source</th>
              <th>Length</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {audioMessages.map((message) => (
              <tr key={message.id} data-testid={`audio-message-row-${message.id}`}>
                <td class="strong">{message.name}</td>
                <td>{message.source === 'none' ? <span class="muted">{audioSourceInWords(message)}</span> : audioSourceInWords(message)}</td>
                <td>{durationInWords(message.durationMs)}</td>
                <td class="actions-col">
                  <div class="button-row">
                    <button type="button" class="btn btn-small btn-secondary" onClick={() => setLater('Record / Listen')}>
                      Record/Listen
                    </button>
                    <button type="button" class="btn btn-small btn-secondary" onClick={() => setLater('Text message')}>
                      Text message
                    </button>
                    <button type="button" class="btn btn-small btn-secondary" onClick={() => setUploadingFor(message)}>
                      Upload a file
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {audioMessages.length === 0 && <p class="empty">No audio message yet. Add one, then record it or type its text.</p>}
      </div>
      {uploadingFor && <AudioMessageUploadDialog message={uploadingFor} onClose={() => setUploadingFor(null)} />}
      {later && <LaterReleaseDialog feature={later} onClose={() => setLater(null)} />}
    </>
  );
}
