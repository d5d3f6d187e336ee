// The user's voicemail: new messages first in bold, each one opening to play in the page (the Ogg
// recording in an <audio> player), download, mark as heard or delete. Playing a new message marks
// it heard, as listening by phone does.
import { useEffect, useRef, useState } from 'preact/hooks';
import { PhoneIcon } from '../../shared/PhoneIcon.tsx';
import { clockInWords, numberInWords, whenInWords } from '../../shared/words.ts';
import type { MessageView, PhoneVoicemail } from '../api.ts';

interface VoicemailPanelProps {
  voicemail: PhoneVoicemail | null;
  error: string | null;
  /** The message to open, e.g. from the e-mail's link (#voicemail/<id>). */
  openId: string | null;
  onOpen(id: string | null): void;
  onHeard(id: string): Promise<void>;
  onDelete(id: string): Promise<void>;
}

function callerOf(message: MessageView): string {
  return message.callerName || (message.callerNumber ? numberInWords(message.callerNumber) : 'Unknown caller');
}

function countsInWords({ new: fresh, heard }: PhoneVoicemail['counts']): string {
  const parts = [`${fresh} new`, `${heard} heard`];
  return parts.join(' · ');
}

export function VoicemailPanel({ voicemail, error, openId, onOpen, onHeard, onDelete }: VoicemailPanelProps) {
  if (error) return <div class="banner banner-error history-error">{error}</div>;
  if (!voicemail) return <p class="empty">Loading your voicemail…</p>;
  if (!voicemail.box) return <p class="empty">You have no voicemail box. Your administrator can turn voicemail on for you.</p>;
  const missing = openId !== null && !voicemail.messages.some((m) => m.id === openId);
  return (
    <div class="voicemail-panel">
      <p class="voicemail-summary small muted" data-testid="voicemail-summary">
        {voicemail.box.name} · {countsInWords(voicemail.counts)}
      </p>
      {missing && (
        <div class="banner banner-error voicemail-missing" role="status">
          This message is not in your voicemail (anymore).
        </div>
      )}
      {voicemail.messages.length === 0 ? (
        <p class="empty">No messages.</p>
      ) : (
        <ul class="voicemail-list" aria-label="Voicemail messages" data-testid="voicemail-list">
          {voicemail.messages.map((message) => (
            <MessageRow
              key={message.id}
              message={message}
              open={message.id === openId}
              onToggle={() => onOpen(message.id === openId ? null : message.id)}
              onHeard={() => onHeard(message.id)}
              onDelete={() => onDelete(message.id)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

interface MessageRowProps {
  message: MessageView;
  open: boolean;
  onToggle(): void;
  onHeard(): Promise<void>;
  onDelete(): Promise<void>;
}

function MessageRow({ message, open, onToggle, onHeard, onDelete }: MessageRowProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const row = useRef<HTMLLIElement>(null);
  const caller = callerOf(message);
  const isNew = message.status === 'new';

  useEffect(() => {
    if (!open) setConfirming(false);
    else row.current?.scrollIntoView?.({ block: 'nearest' });
  }, [open]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      ref={row}
      class={`voicemail-entry${isNew ? ' voicemail-new' : ''}${open ? ' voicemail-open' : ''}`}
      data-testid="voicemail-message"
      data-message-id={message.id}
      data-status={message.status}
    >
      <button type="button" class="voicemail-head" aria-expanded={open} aria-label={`${open ? 'Close' : 'Open'} the message from ${caller}`} onClick={onToggle}>
        <span class={`history-icon voicemail-icon${isNew ? ' voicemail-icon-new' : ''}`} aria-hidden="true">
          <PhoneIcon name="voicemail" size={16} />
        </span>
        <span class="history-body">
          <span class="history-name">
            {caller}
            {isNew && <span class="voicemail-pill">New</span>}
          </span>
          <span class="history-details small">
            {message.callerName && message.callerNumber ? `${numberInWords(message.callerNumber)} · ` : ''}
            {clockInWords(message.durationMs / 1000)}
          </span>
        </span>
        <span class="history-when small muted">{whenInWords(message.startedAt)}</span>
      </button>
      {open && (
        <div class="voicemail-body">
          {/* Only the open message has a player: its length shows at once, the audio comes on play. */}
          <audio
            class="voicemail-audio"
            controls
            preload="metadata"
            src={message.audioUrl}
            data-testid="voicemail-audio"
            aria-label={`Message from ${caller}`}
            onPlay={() => {
              if (isNew) void onHeard();
            }}
          />
          {message.recovered && <p class="small muted">Recovered after the PBX restarted during the call: the end may be missing.</p>}
          {confirming ? (
            <div class="voicemail-actions" role="group" aria-label="Delete this message?">
              <span class="small">Delete this message?</span>
              <button type="button" class="btn btn-small btn-danger" disabled={busy} onClick={() => void run(onDelete)}>
                Delete
              </button>
              <button type="button" class="btn btn-small btn-secondary" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </div>
          ) : (
            <div class="voicemail-actions">
              {isNew && (
                <button type="button" class="btn btn-small btn-secondary" disabled={busy} onClick={() => void run(onHeard)}>
                  <PhoneIcon name="check" size={14} /> Mark as heard
                </button>
              )}
              <a class="btn btn-small btn-secondary" href={`${message.audioUrl}?download=1`} download>
                <PhoneIcon name="download" size={14} /> Download
              </a>
              <button
                type="button"
                class="btn btn-small btn-danger-outline voicemail-delete"
                aria-label="Delete"
                title="Delete this message"
                onClick={() => setConfirming(true)}
              >
                <PhoneIcon name="trash" size={14} />
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  );
}
