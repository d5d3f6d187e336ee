// The frame of a page that adds or edits one item of the draft: the title row with its Delete button,
// the form with the general error on top and Cancel / Save below, and the question before deleting.
// And the page shown instead when the item is not in the draft.
import type { ComponentChildren } from 'preact';
import type { EntityEditing } from '../entity-editing.ts';
import type { FormErrors } from '../form.ts';
import { ConfirmDialog } from './Dialog.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { PageHeader } from './PageHeader.tsx';

interface Deletion {
  /** The Delete button's label, and the confirming button's. */
  label: string;
  /** The question, e.g. "Delete this room?". */
  title: string;
  /** What deleting means for the PBX. */
  message: string;
  /** How the notice names the deleted item. */
  name: string;
}

interface EditPageProps {
  title: string;
  subtitle: ComponentChildren;
  /** The list the page belongs to: the back link, and where Cancel goes. */
  back: { href: string; label: string };
  editing: Omit<EntityEditing<never>, 'save'>;
  errors: FormErrors;
  onSave(): void;
  submitLabel: string;
  /** None while adding, or where this page may not delete the item. */
  deletion: Deletion | null;
  /** Between the title row and the form, e.g. tabs. */
  beforeForm?: ComponentChildren;
  /** Space the form's cards apart; off where the form holds a single panel that spaces its own. */
  stack?: boolean;
  children: ComponentChildren;
}

export function EditPage({ title, subtitle, back, editing, errors, onSave, submitLabel, deletion, beforeForm, stack = true, children }: EditPageProps) {
  const { submission, deleting } = editing;
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} back={back}>
        {deletion && (
          <button type="button" class="btn btn-danger-outline" onClick={deleting.ask}>
            {deletion.label}
          </button>
        )}
      </PageHeader>
      {beforeForm}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSave();
        }}
        noValidate
        class={stack ? 'stack' : undefined}
      >
        <ErrorBanner error={submission.error} unshown={errors.unshown()} />
        {children}
        <div class="form-actions form-actions-page">
          <a class="btn btn-secondary" href={back.href}>
            Cancel
          </a>
          <button type="submit" class="btn btn-primary" disabled={submission.busy}>
            {submitLabel}
          </button>
        </div>
      </form>
      {deleting.asking && deletion && (
        <ConfirmDialog
          title={deletion.title}
          message={deletion.message}
          confirmLabel={deletion.label}
          danger
          onConfirm={() => deleting.confirm(deletion.name)}
          onCancel={deleting.cancel}
        />
      )}
    </>
  );
}

/** Instead of the edit page when the item is not in the draft (deleted meanwhile, or a stale link). */
export function NotFoundPage({ title, back, children }: { title: string; back: { href: string; label: string }; children: ComponentChildren }) {
  return (
    <>
      <PageHeader title={title} back={back} />
      <div class="card">
        <p>{children}</p>
      </div>
    </>
  );
}
