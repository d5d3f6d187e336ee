// What is waiting to be applied, and the versions published so far (any of which can be restored into
// the draft, then applied again).
import { useEffect, useState } from 'preact/hooks';
import type { Change } from '../../../data/diff.ts';
import type { ApiError, VersionSummary } from '../api.ts';
import { ActionsHeader } from '../components/ActionsHeader.tsx';
import { ChangeList } from '../components/ChangeList.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useSubmission } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { dateInWords, pendingChangesInWords } from '../words.ts';

export function ChangesPage() {
  const { api, write, notify } = usePortal();
  const draft = useDraft();
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [versions, setVersions] = useState<{ production: number; versions: VersionSummary[] } | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [restoring, setRestoring] = useState<VersionSummary | null>(null);
  const submission = useSubmission();

  // The draft's revision changes after every edit, Apply or Discard: read both lists again then.
  useEffect(() => {
    let current = true;
    Promise.all([api.getChanges(), api.getVersions()])
      .then(([changeList, versionList]) => {
        if (!current) return;
        setChanges(changeList.changes);
        setVersions(versionList);
        setLoadError(null);
      })
      .catch((error: ApiError) => current && setLoadError(error));
    return () => {
      current = false;
    };
  }, [api, draft.revision, draft.baseVersion]);

  const restore = (version: VersionSummary) =>
    void submission.run(async () => {
      setRestoring(null);
      await write((revision) => api.restoreVersion(version.version, revision));
      notify(`Version ${version.version} restored into the draft. Apply changes to publish it.`);
    });

  return (
    <>
      <PageHeader title="Changes & history" subtitle="Edits wait in a draft until you apply them; every apply makes a new version." />
      <ErrorBanner error={loadError ?? submission.error} />
      <section class="card" aria-labelledby="pending-title">
        <div class="card-head">
          <h2 class="card-title" id="pending-title">
            Pending changes
          </h2>
          <span class="muted small">
            {pendingChangesInWords(draft.pendingChanges)} · draft last edited by {draft.updatedBy}, {dateInWords(draft.updatedAt)}
          </span>
        </div>
        {changes === null ? <p class="muted">Loading…</p> : <ChangeList changes={changes} />}
      </section>
      <section class="card card-flush" aria-labelledby="versions-title">
        <div class="card-head card-head-padded">
          <h2 class="card-title" id="versions-title">
            Versions
          </h2>
        </div>
        <table class="table" data-testid="versions-table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Applied by</th>
              <th>When</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {(versions?.versions ?? []).map((version) => (
              <tr key={version.version} data-testid={`version-row-${version.version}`}>
                <td class="strong">
                  Version {version.version}{' '}
                  {version.version === versions?.production && <span class="pill pill-on">In production</span>}
                </td>
                <td>{version.appliedBy}</td>
                <td>{dateInWords(version.appliedAt)}</td>
                <td class="actions-col">
                  <button type="button" class="btn btn-small btn-secondary" onClick={() => setRestoring(version)}>
                    Restore into draft
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {restoring && (
        <ConfirmDialog
          title={`Restore version ${restoring.version}?`}
          message={`The draft becomes the configuration of version ${restoring.version}; edits not yet applied are replaced. Nothing changes in production until you apply changes.`}
          confirmLabel="Restore into draft"
          busy={submission.busy}
          onConfirm={() => restore(restoring)}
          onCancel={() => setRestoring(null)}
        />
      )}
    </>
  );
}
