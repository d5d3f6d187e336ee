// One audio file to upload (MP3 or WAV): Choose File, a progress bar that follows the real upload,
// then what the server made of it, or why it refused it, in words; then Close. The music on hold
// and each audio message use it, each with its own route.
import { useState } from 'preact/hooks';
import type { ApiError, WriteResult } from '../api.ts';
import { usePortal } from '../portal-state.tsx';
import { uploadFile, type UploadProgress } from '../upload.ts';
import { Dialog } from './Dialog.tsx';

interface AudioUploadDialogProps {
  title: string;
  /** A sentence above the file field: what the file becomes. */
  lead: string;
  /** The route that takes the file (docs/API.md: Audio uploads). */
  path: string;
  /** What to say once the file is taken, from the server's answer. */
  done(answer: WriteResult & { description: string }, file: File): string;
  onClose(): void;
  testId: string;
}

type State =
  | { step: 'choose' }
  | { step: 'uploading'; file: File; progress: UploadProgress }
  | { step: 'done'; text: string }
  | { step: 'failed'; error: ApiError };

export function AudioUploadDialog({ title, lead, path, done, onClose, testId }: AudioUploadDialogProps) {
  const { write } = usePortal();
  const [state, setState] = useState<State>({ step: 'choose' });
  const busy = state.step === 'uploading';

  const start = (file: File) => {
    setState({ step: 'uploading', file, progress: { loaded: 0, total: file.size, sent: false } });
    write((revision) => uploadFile<WriteResult & { description: string }>(path, file, revision, (progress) => setState({ step: 'uploading', file, progress }))).then(
      (answer) => setState({ step: 'done', text: done(answer, file) }),
      (error: ApiError) => setState({ step: 'failed', error }),
    );
  };

  const percent = state.step === 'uploading' && state.progress.total > 0 ? Math.round((100 * state.progress.loaded) / state.progress.total) : 0;
  return (
    <Dialog
      title={title}
      onClose={() => !busy && onClose()}
      testId={testId}
      actions={
        <button type="button" class="btn btn-primary" disabled={busy} onClick={onClose}>
          Close
        </button>
      }
    >
      <p class="dialog-lead">{lead}</p>
      <div class="field">
        <label class="field-label" for={`${testId}-file`}>
          Choose File
        </label>
        <input
          id={`${testId}-file`}
          type="file"
          accept=".mp3,.wav,audio/mpeg,audio/wav"
          disabled={busy}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) start(file);
          }}
        />
        <p class="field-hint">MP3 or WAV. The file is checked by its content, whatever its name.</p>
      </div>
      {state.step === 'uploading' && (
        <div class="upload-progress" data-testid="upload-progress">
          <progress max={100} value={percent} aria-label="Upload progress" />
          <span class="small muted" data-testid="upload-progress-text">
            {state.progress.sent ? 'Uploaded; checking and converting the file…' : `Uploading ${state.file.name}: ${percent} %`}
          </span>
        </div>
      )}
      {state.step === 'done' && (
        <p class="dialog-result" role="status" data-testid="upload-result">
          {state.text}
        </p>
      )}
      {state.step === 'failed' && (
        <p class="field-error" role="alert" data-testid="upload-error">
          {state.error.message}
        </p>
      )}
    </Dialog>
  );
}
