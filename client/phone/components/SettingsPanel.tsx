// The phone's settings: which microphone to use (remembered in this browser), and who is signed in.
import { useEffect, useState } from 'preact/hooks';
import { listMicrophones, type Microphone } from '../../shared/microphone.ts';
import type { PhoneSession } from '../api.ts';

interface SettingsPanelProps {
  session: PhoneSession;
  microphoneId: string | null;
  onMicrophone(deviceId: string | null): void;
  onSignOut(): void;
}

export function SettingsPanel({ session, microphoneId, onMicrophone, onSignOut }: SettingsPanelProps) {
  const [microphones, setMicrophones] = useState<Microphone[] | null>(null);

  useEffect(() => {
    const refresh = () => void listMicrophones().then(setMicrophones, () => setMicrophones([]));
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
  }, []);

  const labelsHidden = microphones !== null && microphones.length > 0 && microphones.every((m) => /^Microphone \d+$/.test(m.label));
  return (
    <div class="settings-panel">
      <div class="field">
        <label class="field-label" for="microphone">
          Microphone
        </label>
        <select id="microphone" value={microphoneId ?? ''} onChange={(e) => onMicrophone(e.currentTarget.value || null)}>
          <option value="">Browser default</option>
          {(microphones ?? []).map((m) => (
            <option key={m.deviceId} value={m.deviceId}>
              {m.label}
            </option>
          ))}
        </select>
        <p class="field-hint">
          {microphones !== null && microphones.length === 0
            ? 'No microphone found.'
            : labelsHidden
              ? 'Names appear once you have allowed the microphone (after your first call).'
              : 'Remembered in this browser.'}
        </p>
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
