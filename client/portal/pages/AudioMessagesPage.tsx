// Audio messages: greetings and announcements used by voicemail boxes and incoming numbers. Each row
// plays the message's current audio and opens the dialogs that give it new audio.
import type { ComponentType } from 'preact';
import { useState } from 'preact/hooks';
import type { AudioMessage } from '../../../data/schema.ts';
import { AudioMessageUploadDialog } from '../components/AudioMessageUploadDialog.tsx';
import { ListPage } from '../components/ListPage.tsx';
import { RecordMessageDialog } from '../recording/RecordMessageDialog.tsx';
import { TextMessageDialog } from '../components/TextMessageDialog.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { audioSourceInWords, durationInWords } from '../words.ts';

/** The buttons of each row, each opening its dialog for that message: add one here to add a way to make audio. */
const ROW_DIALOGS: { label: string; dialog: ComponentType<{ message: AudioMessage; onClose(): void }> }[] = [
  { label: 'Record/Listen', dialog: RecordMessageDialog },
  { label: 'Text message', dialog: TextMessageDialog },
  { label: 'Upload a file', dialog: AudioMessageUploadDialog },
];

export function AudioMessagesPage() {
  const { audioMessages } = useDraft().config;
  const [open, setOpen] = useState<{ dialog: number; messageId: string } | null>(null);
  const openMessage = open && audioMessages.find((m) => m.id === open.messageId);
  const OpenDialog = open && ROW_DIALOGS[open.dialog]!.dialog;
  return (
    <>
      <ListPage
        title="Audio messages"
        subtitle="Greetings and announcements for voicemail boxes and incoming numbers."
        add={{ label: 'Add a message', href: href({ page: 'audio-message-new' }) }}
        testId="audio-messages-table"
        columns={['Name', 'Audio', 'Source', 'Length']}
        items={audioMessages}
        rowTestId={(message) => `audio-message-row-${message.id}`}
        cells={(message) => (
          <>
            <td class="strong">{message.name}</td>
            <td>
              {message.fileId ? (
                <audio class="table-audio" controls preload="none" src={`/api/audio/${encodeURIComponent(message.fileId)}`} aria-label={`Listen to ${message.name}`} data-testid="audio-message-player" />
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            <td data-testid="audio-message-source">{message.source === 'none' ? <span class="muted">{audioSourceInWords(message)}</span> : audioSourceInWords(message)}</td>
            <td data-testid="audio-message-length">{durationInWords(message.durationMs)}</td>
          </>
        )}
        actions={(message) => (
          <div class="button-row">
            {ROW_DIALOGS.map((entry, index) => (
              <button key={entry.label} type="button" class="btn btn-small btn-secondary" onClick={() => setOpen({ dialog: index, messageId: message.id })}>
                {entry.label}
              </button>
            ))}
          </div>
        )}
        empty="No audio message yet. Add one, then record it or type its text."
      />
      {OpenDialog && openMessage && <OpenDialog message={openMessage} onClose={() => setOpen(null)} />}
    </>
  );
}
