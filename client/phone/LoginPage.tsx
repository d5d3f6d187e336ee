// Sign-in for phones: extension and password. Wrong passwords, locked phones and an unreachable PBX
// each get a sentence saying what to do.
import { useState } from 'preact/hooks';
import { HttpError } from '../shared/http.ts';
import { phoneApi, type PhoneSession } from './api.ts';

interface LoginPageProps {
  notice: string | null;
  onSignedIn(session: PhoneSession): void;
}

export function loginErrorInWords(error: unknown): string {
  if (!(error instanceof HttpError)) return String(error);
  switch (error.status) {
    case 401:
      return 'Wrong extension or password.';
    case 423: {
      const until = error.lockedUntil ? new Date(error.lockedUntil) : null;
      const time = until && !Number.isNaN(until.getTime()) ? ` until ${until.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}` : '';
      return `Too many wrong passwords: this phone is locked${time}. Try again later.`;
    }
    case 0:
      return 'The PBX cannot be reached. Check your connection and try again.';
    default:
      return error.message;
  }
}

export function LoginPage({ notice, onSignedIn }: LoginPageProps) {
  const [extension, setExtension] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await phoneApi.login(extension.trim(), password));
    } catch (caught) {
      setError(loginErrorInWords(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-screen">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true">
            S
          </span>
          <span class="brand-name">Switchboard</span>
        </div>
        <h1 id="login-title">Sign in to your softphone</h1>
        {notice && !error && <div class="banner banner-info">{notice}</div>}
        {error && (
          <div class="banner banner-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <div class="field">
          <label class="field-label" for="login-extension">
            Extension
          </label>
          <input
            id="login-extension"
            inputMode="numeric"
            autocomplete="username"
            placeholder="e.g. 101"
            value={extension}
            onInput={(e) => setExtension(e.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label class="field-label" for="login-password">
            Password
          </label>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="login-foot muted small">Your extension and password come from your administrator.</p>
      </form>
    </div>
  );
}
