// What callers hear while they wait. Uploading one's own music comes with a later release.
import { useState } from 'preact/hooks';
import { LaterReleaseDialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';

export function MusicOnHoldPage() {
  const { musicOnHold } = useDraft().config;
  const [changing, setChanging] = useState(false);
  return (
    <>
      <PageHeader title="Music on hold" subtitle="What callers hear while they wait or are transferred." />
      <div class="card music-card">
        <div class="music-icon">
          <Icon name="music" />
        </div>
        <div class="music-body">
          <p class="muted small">Current music</p>
          <p class="music-name" data-testid="current-music">
            {musicOnHold.type === 'default' ? 'Default music' : musicOnHold.name}
          </p>
        </div>
        <button type="button" class="btn btn-secondary" onClick={() => setChanging(true)}>
          Change the music on hold
        </button>
      </div>
      {changing && (
        <LaterReleaseDialog feature="Uploading music on hold" onClose={() => setChanging(false)} />
      )}
    </>
  );
}
