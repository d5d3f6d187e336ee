// The sign-in screen of the portal and of the softphone: an account name, a password, and a sentence
// when the server says no. Each app says which account it takes and what a refusal means.
import { useState } from 'preact/hooks';
import { Brand } from './Brand.tsx';

interface SignInFormProps {
  title: string;
  /** Shown until the person tries: why they are here (signed out, session ended). */
  notice?: string | null;
  /** The account field: its id, label and what helps typing it. */
  account: { id: string; label: string; initial?: string; inputMode?: 'numeric'; placeholder?: string };
  /** Resolves to a sentence when the server said yes but this app must still refuse. */
  signIn(account: string, password: string): Promise<string | null>;
  /** What the person reads when signIn is rejected. */
  errorInWords(error: unknown): string;
  /** A line under the button. */
  foot?: string;
}

export function SignInForm({ title, notice, account, signIn, errorInWords, foot }: SignInFormProps) {
  const [name, setName] = useState(account.initial ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const refusal = await signIn(name, password);
      if (refusal) setError(refusal);
    } catch (caught) {
      setError(errorInWords(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-screen">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <Brand look="large" />
        <h1 id="login-title">{title}</h1>
        {notice && !error && <div class="banner banner-info">{notice}</div>}
        {error && (
          <div class="banner banner-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <div class="field">
          <label class="field-label" for={account.id}>
            {account.label}
          </label>
          <input
            id={account.id}
            inputMode={account.inputMode}
            autocomplete="username"
            placeholder={account.placeholder}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
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
        {foot && <p class="login-foot muted small">{foot}</p>}
      </form>
    </div>
  );
}
