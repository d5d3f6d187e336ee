// The softphone: sign in by extension, then the phone. A browser that already has a softphone
// session (another tab, a reload) goes straight to the phone.
import { useEffect, useState } from 'preact/hooks';
import { phoneApi, type PhoneSession } from './api.ts';
import { LoginPage } from './LoginPage.tsx';
import { Softphone } from './Softphone.tsx';

export function App() {
  /** undefined while asking the server. */
  const [session, setSession] = useState<PhoneSession | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    phoneApi.currentSession().then(setSession, (error: unknown) => {
      setSession(null);
      setNotice(error instanceof Error ? error.message : String(error));
    });
  }, []);

  if (session === undefined) return <div class="splash">Loading…</div>;
  if (session === null) {
    return (
      <LoginPage
        notice={notice}
        onSignedIn={(signedIn) => {
          setNotice(null);
          setSession(signedIn);
        }}
      />
    );
  }
  return (
    <Softphone
      session={session}
      onSignedOut={(why) => {
        setNotice(why);
        setSession(null);
      }}
    />
  );
}
