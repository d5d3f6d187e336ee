// What a phone app says about its line: whether it is connected to the PBX, the banner while the PBX
// cannot be reached, and the line's last notice (a call that could not start, how one ended).
import type { ConnectionState, LineNotice } from './phone-line.ts';

const CONNECTION_WORDS: Record<Exclude<ConnectionState, 'refused'>, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
};

interface ConnectionStatusProps {
  connection: ConnectionState;
  /** What a refused connection means to this app's user (the session ended, the PBX is full…). */
  refusedWords: string;
}

export function ConnectionStatus({ connection, refusedWords }: ConnectionStatusProps) {
  return (
    <span class={`connection connection-${connection}`} data-testid="connection" role="status">
      <span class="connection-dot" aria-hidden="true" />
      {connection === 'refused' ? refusedWords : CONNECTION_WORDS[connection]}
    </span>
  );
}

export function ReconnectingBanner({ connection }: { connection: ConnectionState }) {
  if (connection !== 'reconnecting') return null;
  return (
    <div class="banner banner-error phone-banner" role="alert" data-testid="reconnecting">
      The PBX cannot be reached. Reconnecting…
    </div>
  );
}

export function LineNoticeBanner({ notice, onDismiss }: { notice: LineNotice | null; onDismiss(): void }) {
  if (!notice) return null;
  return (
    <div class={`line-notice${notice.trouble ? ' line-notice-trouble' : ''}`} role="status">
      <span data-testid="line-notice">{notice.text}</span>
      <button type="button" class="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
