// Apply changes: the admin reviews the draft's changes in words, then publishes them as a new
// production version (or throws the draft away). The review's revision is sent with the apply, so
// changes made by someone else after the review are never published unseen.
import { useEffect, useState } from 'preact/hooks';
import type { Change } from '../../../data/diff.ts';
import { ApiError, type AppliedVersion } from '../api.ts';
import { usePortal } from '../portal-state.tsx';
import { pendingChangesInWords } from '../words.ts';
import { ChangeList } from './ChangeList.tsx';
import { Dialog } from './Dialog.tsx';

type Step =
  | { step: 'loading' }
  | { step: 'review'; revision: number; changes: Change[] }
  | { step: 'confirm-discard'; revision: number; changes: Change[] }
  | { step: 'applied'; version: AppliedVersion }
  | { step: 'discarded' }
  | { step: 'failed'; error: ApiError; revision?: number; changes?: Change[] };

export function ApplyDialog({ onClose }: { onClose(): void }) {
  const { api, refresh } = usePortal();
  const [state, setState] = useState<Step>({ step: 'loading' });
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setState({ step: 'loading' });
    try {
      const { revision, changes } = await api.getChanges();
      setState({ step: 'review', revision, changes });
    } catch (error) {
      setState({ step: 'failed', error: error as ApiError });
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (action: () => Promise<Step>, revision: number, changes: Change[]) => {
    setBusy(true);
    try {
      setState(await action());
    } catch (error) {
      setState({ step: 'failed', error: error instanceof ApiError ? error : new ApiError(0, String(error)), revision, changes });
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const apply = (revision: number, changes: Change[]) =>
    act(async () => ({ step: 'applied', version: await api.apply(revision) }), revision, changes);
  const discard = (revision: number, changes: Change[]) =>
    act(async () => (await api.discard(revision), { step: 'discarded' }), revision, changes);

  // Keyed buttons: the footer changes between steps, and a reused button would fade from its old colours.
  const close = (
    <button key="close" type="button" class="btn btn-secondary" onClick={onClose}>
      Close
    </button>
  );

  switch (state.step) {
    case 'loading':
      return (
        <Dialog title="Apply changes" onClose={onClose} wide testId="apply-dialog">
          <p class="muted">Loading the pending changes…</p>
        </Dialog>
      );
    case 'review':
      return (
        <Dialog
          title="Apply changes"
          onClose={onClose}
          wide
          testId="apply-dialog"
          actions={
            <>
              <button
                key="discard"
                type="button"
                class="btn btn-danger-outline push-left"
                disabled={busy || state.changes.length === 0}
                onClick={() => setState({ step: 'confirm-discard', revision: state.revision, changes: state.changes })}
              >
                Discard draft
              </button>
              <button key="cancel" type="button" class="btn btn-secondary" onClick={onClose}>
                Cancel
              </button>
              <button
                key="apply"
                type="button"
                class="btn btn-primary"
                disabled={busy || state.changes.length === 0}
                onClick={() => void apply(state.revision, state.changes)}
              >
                {busy ? 'Applying…' : 'Confirm and apply'}
              </button>
            </>
          }
        >
          <p class="dialog-lead">
            {state.changes.length > 0
              ? `${pendingChangesInWords(state.changes.length)} will be published to the phone system.`
              : 'There is nothing to apply.'}
          </p>
          <ChangeList changes={state.changes} />
        </Dialog>
      );
    case 'confirm-discard':
      return (
        <Dialog
          title="Discard the draft?"
          onClose={onClose}
          testId="apply-dialog"
          actions={
            <>
              <button key="back" type="button" class="btn btn-secondary" onClick={() => setState({ ...state, step: 'review' })}>
                Back
              </button>
              <button key="confirm-discard" type="button" class="btn btn-danger" disabled={busy} onClick={() => void discard(state.revision, state.changes)}>
                Discard {pendingChangesInWords(state.changes.length).toLowerCase()}
              </button>
            </>
          }
        >
          <p>The draft goes back to the configuration in production. This cannot be undone.</p>
        </Dialog>
      );
    case 'applied':
      return (
        <Dialog title="Changes applied" onClose={onClose} testId="apply-dialog" actions={close}>
          <div class="success-mark" aria-hidden="true">✓</div>
          <p class="dialog-result" data-testid="apply-result">
            Version {state.version.version} applied
          </p>
          <p class="muted center">The phone system now uses the new configuration.</p>
        </Dialog>
      );
    case 'discarded':
      return (
        <Dialog title="Draft discarded" onClose={onClose} testId="apply-dialog" actions={close}>
          <p data-testid="apply-result">The draft is the configuration in production again.</p>
        </Dialog>
      );
    case 'failed': {
      const { error } = state;
      const stale = error.status === 409;
      return (
        <Dialog
          title={error.status === 422 ? 'Changes not applied' : 'Apply changes'}
          onClose={onClose}
          wide
          testId="apply-dialog"
          actions={
            <>
              {close}
              {stale && (
                <button key="reload" type="button" class="btn btn-primary" onClick={() => void load()}>
                  Reload and review again
                </button>
              )}
            </>
          }
        >
          <div class="banner banner-error" role="alert" data-testid="apply-error">
            <div class="banner-body">
              <strong>{error.status === 422 ? 'The draft has problems; nothing was published. Fix these first:' : error.message}</strong>
              {error.problems.length > 0 && (
                <ul class="problem-list">
                  {error.problems.map((problem) => (
                    <li key={problem.path}>{problem.message}</li>
                  ))}
                </ul>
              )}
              {stale && <p>Review the changes again before applying them.</p>}
            </div>
          </div>
          {state.changes && state.changes.length > 0 && !stale && (
            <>
              <h3 class="section-title">Pending changes</h3>
              <ChangeList changes={state.changes} />
            </>
          )}
        </Dialog>
      );
    }
  }
}
