// What callers hear while they are on hold (and, for numbers that choose it, while the phones
// ring): the built-in music, or an uploaded MP3 or WAV. The upload changes the draft; Apply
// changes publishes it.
import { useState } from 'preact/hooks';
import type { MusicOnHold } from '../../../data/schema.ts';
import { AudioUploadDialog } from '../components/AudioUploadDialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { durationInWords } from '../words.ts';

export function MusicOnHoldPage() {
  const { musicOnHold } = useDraft().config;
  const [changing, setChanging] = useState(false);
  return (
    <>
      <PageHeader title="Music on hold" subtitle="What callers hear while they wait or are transferred." />
      <div class="card">
        <div class="music-card">
          <div class="music-icon">
            <Icon name="music" />
          </div>
          <div class="music-body">
            <p class="muted small">Current music</p>
            <p class="music-name" data-testid="current-music">
              {musicOnHold.type === 'default' ? 'Default music' : musicOnHold.name}
            </p>
            {musicOnHold.type === 'upload' && <p class="muted small">{durationInWords(musicOnHold.durationMs)}</p>}
          </div>
          <button type="button" class="btn btn-secondary" onClick={() => setChanging(true)}>
            Change the music on hold
          </button>
        </div>
        {musicOnHold.type === 'upload' && (
          // Keyed by file: a new upload loads the new file.
          <audio key={musicOnHold.fileId} class="music-player" controls preload="metadata" data-testid="music-player" src={`/api/draft/music-on-hold/audio?file=${musicOnHold.fileId}`} />
        )}
      </div>
      {changing && (
        <AudioUploadDialog
          title="Change the music on hold"
          lead="Choose an MP3 or WAV file. Callers hear it once you apply changes."
          path="/api/draft/music-on-hold"
          done={(answer, file) => `${file.name} is the new music on hold (${describeMusic((answer as unknown as { musicOnHold: MusicOnHold }).musicOnHold)}; ${answer.description}). Apply changes to publish it.`}
          onClose={() => setChanging(false)}
          testId="music-upload-dialog"
        />
      )}
    </>
  );
}

function describeMusic(music: MusicOnHold): string {
  return music.type === 'upload' ? durationInWords(music.durationMs) : 'default';
}
