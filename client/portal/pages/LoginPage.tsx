// Sign-in for administrators. Wrong passwords and locked accounts get a sentence saying what to do.
import { useState } from 'preact/hooks';
import { ApiError, type PortalApi, type Session } from '../api.ts';
import { timeInWords } from '../words.ts';

interface LoginPageProps {
  api: PortalApi;
  notice?: string | null;
  onSignedIn(session: Session): void;
}

function loginErrorInWords(error: ApiError): string {
  if (error.status === 401) return 'Wrong name or password.';
  if (error.status === 423) {
    const until = error.lockedUntil ? ` until ${timeInWords(error.lockedUntil)}` : '';
    return `Too many wrong passwords: this account is locked${until}. Try again later.`;
  }
  if (error.fields.length > 0) return error.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return error.message;
}

export function LoginPage({ api, notice, onSignedIn }: LoginPageProps) {
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.login(name, password);
      if (session.kind !== 'admin') {
        await api.logout().catch(() => undefined);
        setError('This is a phone account. Sign in with an administrator account.');
        return;
      }
      onSignedIn(session);
    } catch (caught) {
      setError(caught instanceof ApiError ? loginErrorInWords(caught) : String(caught));
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
        <h1 id="login-title">Sign in to the administration portal</h1>
        {notice && !error && <div class="banner banner-info">{notice}</div>}
        {error && (
          <div class="banner banner-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <div class="field">
          <label class="field-label" for="login-name">
            Name
          </label>
          <input id="login-name" autocomplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
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
      </form>
    </div>
  );
}
