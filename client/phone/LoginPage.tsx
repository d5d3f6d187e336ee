// Sign-in for phones: extension and password. Wrong passwords, locked phones and an unreachable PBX
// each get a sentence saying what to do.
import { HttpError } from '../shared/http.ts';
import { SignInForm } from '../shared/SignInForm.tsx';
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
  return (
    <SignInForm
      title="Sign in to your softphone"
      notice={notice}
      account={{ id: 'login-extension', label: 'Extension', inputMode: 'numeric', placeholder: 'e.g. 101' }}
      signIn={async (extension, password) => {
        onSignedIn(await phoneApi.login(extension.trim(), password));
        return null;
      }}
      errorInWords={loginErrorInWords}
      foot="Your extension and password come from your administrator."
    />
  );
}
