// The "Record / listen to a message" dialog: the PBX calls an extension whose phone then records and
// plays the message (the dialog follows the call), or the browser records it from the microphone.
// Either way the draft's message gets the recording; Apply changes publishes it.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AudioMessage } from '../../../data/schema.ts';
import { ApiError, type PortalUser, type RecordingCallStatus } from '../api.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { usePortal } from '../portal-state.tsx';
import { durationInWords, userLabel } from '../words.ts';
import { browserRecordingSupported, startBrowserRecording, type BrowserRecording } from './browser-recorder.ts';

/** How often the dialog asks how the call is going. */
const POLL_MS = 1000;

interface RecordMessageDialogProps {
  message: AudioMessage;
  onClose(): void;
}

export function RecordMessageDialog({ message, onClose }: RecordMessageDialogProps) {
  const [mode, setMode] = useState<'phone' | 'browser'>('phone');
  // A call still ringing or in progress is ended with the dialog.
  const endCall = useRef<() => void>(() => {});
  const close = () => {
    endCall.current();
    onClose();
  };
  return (
    <Dialog title={`Record / listen to a message — ${message.name}`} onClose={close} wide testId="record-message-dialog">
      <nav class="tabs" aria-label="How to record">
        <button type="button" class={`tab${mode === 'phone' ? ' active' : ''}`} aria-pressed={mode === 'phone'} onClick={() => setMode('phone')}>
          By phone
        </button>
        <button type="button" class={`tab${mode === 'browser' ? ' active' : ''}`} aria-pressed={mode === 'browser'} onClick={() => setMode('browser')}>
          Record in the browser
        </button>
      </nav>
      {mode === 'phone' ? <PhoneRecording message={message} endCall={endCall} /> : <BrowserRecordingPanel message={message} />}
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick={close}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function PhoneRecording({ message, endCall }: { message: AudioMessage; endCall: { current: () => void } }) {
  const { api, refresh } = usePortal();
  const [users, setUsers] = useState<PortalUser[] | null>(null);
  const [extension, setExtension] = useState('');
  const [status, setStatus] = useState<RecordingCallStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  // The phones sign in against production: its users are the ones that can be called.
  useEffect(() => {
    api.getProduction().then(
      (production) => {
        const sorted = [...production.config.users].sort((a, b) => a.extension.localeCompare(b.extension));
        setUsers(sorted);
        setExtension((current) => current || sorted[0]?.extension || '');
      },
      (failure: ApiError) => setError(failure),
    );
  }, [api]);

  // Follows the call until it ends; a new recording re-reads the draft so the page shows it.
  const callId = status?.callId;
  const active = status !== null && status.state !== 'ended';
  useEffect(() => {
    if (!callId || !active) return;
    let seen = status?.saved.length ?? 0;
    const timer = setInterval(() => {
      api.recordingCall(message.id, callId).then((next) => {
        setStatus(next);
        if (next.saved.length > seen) {
          seen = next.saved.length;
          void refresh();
        }
      }, () => {});
    }, POLL_MS);
    endCall.current = () => void api.endRecordingCall(message.id, callId).catch(() => {});
    return () => {
      clearInterval(timer);
      endCall.current = () => {};
    };
  }, [callId, active]);

  const call = async () => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await api.callToRecord(message.id, extension));
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const latest = status?.saved.at(-1);
  return (
    <div data-testid="record-by-phone">
      <p>The PBX calls the phone you choose. Answer it, then press 1 to record (# to finish), 2 to listen, # to hang up.</p>
      <ErrorBanner error={error} />
      <Field id="record-extension" label="Extension to use for message management">
        {(control) => (
          <select {...control} value={extension} disabled={!users || active} onChange={(e) => setExtension(e.currentTarget.value)}>
            {(users ?? []).map((user) => (
              <option key={user.id} value={user.extension}>
                {userLabel(user)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {status && (
        <div class={`banner ${status.end && status.end !== 'finished' && status.end !== 'cancelled' ? 'banner-warning' : 'banner-info'}`} role="status" data-testid="record-call-status">
          <div class="banner-body">
            <strong>{status.text}</strong>
            {latest && <p>Latest recording: {durationInWords(latest.durationMs)}.</p>}
            {status.problem && <p>{status.problem}</p>}
          </div>
        </div>
      )}
      <div class="button-row">
        {active ? (
          <button type="button" class="btn btn-secondary" onClick={() => endCall.current()}>
            Hang up
          </button>
        ) : (
          <button type="button" class="btn btn-primary" disabled={busy || !extension} onClick={() => void call()}>
            OK
          </button>
        )}
      </div>
    </div>
  );
}

type BrowserStep =
  | { type: 'idle' }
  | { type: 'recording'; recording: BrowserRecording; startedAt: number }
  | { type: 'recorded'; file: Blob; url: string }
  | { type: 'saved'; durationMs: number };

function BrowserRecordingPanel({ message }: { message: AudioMessage }) {
  const { api, write, notify } = usePortal();
  const [step, setStep] = useState<BrowserStep>({ type: 'idle' });
  const [error, setError] = useState<string | ApiError | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [busy, setBusy] = useState(false);
  const current = useRef(step);
  current.current = step;

  // Leaving the dialog stops the microphone and frees the recording.
  useEffect(
    () => () => {
      const last = current.current;
      if (last.type === 'recording') last.recording.cancel();
      if (last.type === 'recorded') URL.revokeObjectURL(last.url);
    },
    [],
  );
  useEffect(() => {
    if (step.type !== 'recording') return;
    const timer = setInterval(() => setElapsed(Date.now() - step.startedAt), 250);
    return () => clearInterval(timer);
  }, [step]);

  if (!browserRecordingSupported()) return <p class="muted">This browser cannot record from a microphone.</p>;

  const record = async () => {
    setError(null);
    if (step.type === 'recorded') URL.revokeObjectURL(step.url);
    try {
      const recording = await startBrowserRecording();
      setElapsed(0);
      setStep({ type: 'recording', recording, startedAt: Date.now() });
    } catch (failure) {
      setError(`The microphone could not be used: ${(failure as Error).message || String(failure)}`);
      setStep({ type: 'idle' });
    }
  };
  const stop = async () => {
    if (step.type !== 'recording') return;
    const file = await step.recording.stop();
    setStep({ type: 'recorded', file, url: URL.createObjectURL(file) });
  };
  const save = async () => {
    if (step.type !== 'recorded') return;
    setBusy(true);
    setError(null);
    try {
      const result = await write((revision) => api.uploadRecording(message.id, step.file, revision));
      URL.revokeObjectURL(step.url);
      setStep({ type: 'saved', durationMs: result.entity.durationMs ?? 0 });
      notify(`Recording of ${message.name} saved in the draft.`);
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="record-in-browser">
      <p>Record from this computer's microphone, listen, then save it as the message.</p>
      {typeof error === 'string' ? (
        <div class="banner banner-error" role="alert">
          <div class="banner-body">
            <strong>{error}</strong>
          </div>
        </div>
      ) : (
        <ErrorBanner error={error} />
      )}
      {step.type === 'recording' && (
        <p role="status" data-testid="browser-recording-status">
          Recording… {durationInWords(elapsed)}
        </p>
      )}
      {step.type === 'recorded' && (
        <p>
          <audio controls src={step.url} data-testid="browser-recording-audio" />
        </p>
      )}
      {step.type === 'saved' && (
        <p role="status" data-testid="browser-recording-status">
          Saved in the draft ({durationInWords(step.durationMs)}). Apply changes to use it.
        </p>
      )}
      <div class="button-row">
        {step.type === 'recording' ? (
          <button type="button" class="btn btn-primary" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="button" class="btn btn-secondary" onClick={() => void record()}>
            {step.type === 'idle' ? 'Record' : 'Record again'}
          </button>
        )}
        {step.type === 'recorded' && (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void save()}>
            Save
          </button>
        )}
      </div>
    </div>
  );
}
