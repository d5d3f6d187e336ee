// Sign-in for administrators. Wrong passwords and locked accounts get a sentence saying what to do.
import { SignInForm } from '../../shared/SignInForm.tsx';
import { ApiError, type PortalApi, type Session } from '../api.ts';
import { timeInWords } from '../words.ts';

interface LoginPageProps {
  api: PortalApi;
  notice?: string | null;
  onSignedIn(session: Session): void;
}

function loginErrorInWords(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 401) return 'Wrong name or password.';
  if (error.status === 423) {
    const until = error.lockedUntil ? ` until ${timeInWords(error.lockedUntil)}` : '';
    return `Too many wrong passwords: this account is locked${until}. Try again later.`;
  }
  if (error.fields.length > 0) return error.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return error.message;
}

export function LoginPage({ api, notice, onSignedIn }: LoginPageProps) {
  return (
    <SignInForm
      title="Sign in to the administration portal"
      notice={notice}
      account={{ id: 'login-name', label: 'Name', initial: 'admin' }}
      signIn={async (name, password) => {
        const session = await api.login(name, password);
        if (session.kind !== 'admin') {
          await api.logout().catch(() => undefined);
          return 'This is a phone account. Sign in with an administrator account.';
        }
        onSignedIn(session);
        return null;
      }}
      errorInWords={loginErrorInWords}
    />
  );
}
