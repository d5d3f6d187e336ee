// The user's calls, newest first: missed ones in red, each with a button to call back.
import type { HistoryEntry, UserHistory } from '../api.ts';
import { PhoneIcon } from '../../shared/PhoneIcon.tsx';
import { durationInWords, whenInWords } from '../../shared/words.ts';

interface HistoryPanelProps {
  history: UserHistory | null;
  error: string | null;
  onCallBack(number: string): void;
  canCall: boolean;
}

function entryDetails(entry: HistoryEntry): string {
  if (entry.missed) return 'Missed call';
  const way = entry.direction === 'incoming' ? 'Incoming' : 'Outgoing';
  return entry.answered ? `${way} · ${durationInWords(entry.durationSeconds)}` : `${way} · not answered`;
}

export function HistoryPanel({ history, error, onCallBack, canCall }: HistoryPanelProps) {
  if (error) return <div class="banner banner-error history-error">{error}</div>;
  if (!history) return <p class="empty">Loading the history…</p>;
  if (history.entries.length === 0) return <p class="empty">No calls yet.</p>;
  return (
    <ul class="history" aria-label="Call history" data-testid="history">
      {history.entries.map((entry) => {
        // Outgoing entries carry what was dialled, which may be no extension at all: shown as dialled.
        const name = entry.peerName || entry.peerNumber;
        const icon = entry.missed ? 'missed' : entry.direction === 'incoming' ? 'incoming' : 'outgoing';
        return (
          <li key={entry.callId} class={`history-entry${entry.missed ? ' history-missed' : ''}`} data-testid="history-entry" data-missed={entry.missed ? 'true' : 'false'}>
            <span class={`history-icon history-icon-${icon}`} aria-hidden="true">
              <PhoneIcon name={icon} size={16} />
            </span>
            <span class="history-body">
              <span class="history-name">{name}</span>
              <span class="history-details small">
                {entryDetails(entry)}
                {entry.peerName && entry.peerNumber !== 'web' ? ` · ${entry.peerNumber}` : ''}
              </span>
            </span>
            <span class="history-when small muted">{whenInWords(entry.at)}</span>
            {entry.peerNumber === 'web' ? (
              <span class="history-call-none" aria-hidden="true" />
            ) : (
              <button type="button" class="icon-button history-call" aria-label={`Call ${name}`} title={`Call ${name}`} disabled={!canCall} onClick={() => onCallBack(entry.peerNumber)}>
                <PhoneIcon name="phone" size={16} />
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
