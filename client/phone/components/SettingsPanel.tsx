// The phone's settings: which microphone to use (remembered in this browser), and who is signed in.
import { useEffect, useState } from 'preact/hooks';
import { listMicrophones, type MicrophoneList } from '../../shared/microphone.ts';
import type { PhoneSession } from '../api.ts';

interface SettingsPanelProps {
  session: PhoneSession;
  microphoneId: string | null;
  onMicrophone(deviceId: string | null): void;
  onSignOut(): void;
}

function hintFor(list: MicrophoneList | null): string {
  if (list === null) return '\u00a0';
  if (list.microphones.length > 0) return 'Remembered in this browser.';
  if (list.hidden > 0) return 'The browser lists its microphones once you have allowed this page to use one (at your first call).';
  return 'No microphone found.';
}

export function SettingsPanel({ session, microphoneId, onMicrophone, onSignOut }: SettingsPanelProps) {
  const [list, setList] = useState<MicrophoneList | null>(null);

  useEffect(() => {
    const refresh = () => void listMicrophones().then(setList, () => setList({ microphones: [], hidden: 0 }));
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
  }, []);

  const microphones = list?.microphones ?? [];
  // A saved device that is not plugged in now stays selected, so plugging it back in needs nothing.
  const missing = microphoneId !== null && list !== null && !microphones.some((m) => m.deviceId === microphoneId);
  return (
    <div class="settings-panel">
      <div class="field">
        <label class="field-label" for="microphone">
          Microphone
        </label>
        <select id="microphone" value={microphoneId ?? ''} onChange={(e) => onMicrophone(e.currentTarget.value || null)}>
          <option value="">Browser default</option>
          {microphones.map((m) => (
            <option key={m.deviceId} value={m.deviceId}>
              {m.label}
            </option>
          ))}
          {missing && <option value={microphoneId}>Saved microphone (not found now: the default is used)</option>}
        </select>
        <p class="field-hint">{hintFor(list)}</p>
      </div>
      <div class="settings-account">
        <div>
          <div class="strong">{session.name}</div>
          <div class="muted small">Extension {session.extension}</div>
        </div>
        <button type="button" class="btn btn-secondary btn-small" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </div>
  );
}
