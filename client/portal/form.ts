// Form plumbing shared by every page: the server's per-field messages placed next to their fields, and
// a submit helper that keeps the button busy and the error at hand.
import { useCallback, useState } from 'preact/hooks';
import { ApiError, type FieldError } from './api.ts';

/** "limits/maxMessages", "targets[0]" and "limits.maxMessages" all become dotted paths. */
function dotted(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1').replaceAll('/', '.');
}

/** True when the server's field path (e.g. "limits.maxMessages" or "destination/boxId") lies under `name`. */
function fieldMatches(field: string, name: string): boolean {
  const [f, n] = [dotted(field), dotted(name)];
  return f === n || f.startsWith(`${n}.`);
}

/** The schemas say "a valid e-mail address"; next to a field it reads as a sentence. */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export class FormErrors {
  constructor(
    readonly error: ApiError | null,
    /** The field names this form shows; messages for any other field go to the banner. */
    readonly shown: readonly string[],
  ) {}

  of(name: string): string | undefined {
    const messages = (this.error?.fields ?? []).filter((f) => fieldMatches(f.field, name)).map((f) => sentence(f.message));
    return messages.length > 0 ? [...new Set(messages)].join(' ') : undefined;
  }

  unshown(): FieldError[] {
    return (this.error?.fields ?? []).filter((f) => !this.shown.some((name) => fieldMatches(f.field, name)));
  }
}

export interface Submission {
  busy: boolean;
  error: ApiError | null;
  setError(error: ApiError | null): void;
  /** Runs `action`; an ApiError stays in `error` (the form shows it), anything else is rethrown. */
  run(action: () => Promise<void>): Promise<void>;
}

export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, caught instanceof Error ? caught.message : String(caught)));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/**
 * Number fields are edited as text; a value that is not a number is sent as typed, so the server's
 * message ("expected a number") lands next to the field instead of the form guessing.
 */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}
