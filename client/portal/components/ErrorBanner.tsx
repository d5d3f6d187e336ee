// The general error of a form or page: what the server said, the field messages no field claimed, and
// for "someone else changed the draft" a way to reload it.
import type { ApiError, FieldError } from '../api.ts';
import { usePortal } from '../portal-state.tsx';

interface ErrorBannerProps {
  error: ApiError | null;
  /** Field messages that have no field on this form to sit next to. */
  unshown?: FieldError[];
}

export function ErrorBanner({ error, unshown = [] }: ErrorBannerProps) {
  const { reload } = usePortal();
  if (!error) return null;
  const fieldsElsewhere = error.fields.length > 0 && unshown.length === 0;
  return (
    <div class="banner banner-error" role="alert" data-testid="error-banner">
      <div class="banner-body">
        <strong>{fieldsElsewhere ? 'Please correct the fields marked below.' : error.message}</strong>
        {unshown.length > 0 && (
          <ul>
            {unshown.map((f) => (
              <li key={f.field}>
                {f.field}: {f.message}
              </li>
            ))}
          </ul>
        )}
        {error.problems.length > 0 && (
          <ul>
            {error.problems.map((p) => (
              <li key={p.path}>{p.message}</li>
            ))}
          </ul>
        )}
      </div>
      {error.status === 409 && (
        <button type="button" class="btn btn-secondary" onClick={() => void reload()}>
          Reload the draft
        </button>
      )}
    </div>
  );
}
