// The portal: sign-in first, then the layout with one page per route.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createPortalApi, type Session } from './api.ts';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { Layout } from './components/Layout.tsx';
import { AudioMessageNewPage } from './pages/AudioMessageNewPage.tsx';
import { AudioMessagesPage } from './pages/AudioMessagesPage.tsx';
import { ChangesPage } from './pages/ChangesPage.tsx';
import { ConferenceRoomEditPage } from './pages/ConferenceRoomEditPage.tsx';
import { ConferenceRoomsPage } from './pages/ConferenceRoomsPage.tsx';
import { IvrMenuEditPage } from './pages/IvrMenuEditPage.tsx';
import { IvrMenusPage } from './pages/IvrMenusPage.tsx';
import { OpeningHoursEditPage } from './pages/OpeningHoursEditPage.tsx';
import { OpeningHoursListPage } from './pages/OpeningHoursListPage.tsx';
import { IncomingNumberEditPage } from './pages/IncomingNumberEditPage.tsx';
import { IncomingNumbersPage } from './pages/IncomingNumbersPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MusicOnHoldPage } from './pages/MusicOnHoldPage.tsx';
import { NumberSmsPage } from './pages/NumberSmsPage.tsx';
import { OutboxNoticePage } from './pages/OutboxNoticePage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { UserEditPage } from './pages/UserEditPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { VoicemailEditPage } from './pages/VoicemailEditPage.tsx';
import { VoicemailMessagesPage } from './pages/VoicemailMessagesPage.tsx';
import { VoicemailsPage } from './pages/VoicemailsPage.tsx';
import { PortalProvider, usePortal } from './portal-state.tsx';
import { sectionOf, useRoute, type Route } from './router.ts';

export function App() {
  const [session, setSession] = useState<Session | null | 'checking'>('checking');
  const [loginNotice, setLoginNotice] = useState<string | null>(null);
  const api = useMemo(
    () =>
      createPortalApi({
        onUnauthorized: () => {
          setSession(null);
          setLoginNotice('Your session has ended. Please sign in again.');
        },
      }),
    [],
  );

  useEffect(() => {
    api
      .getSession()
      .then((current) => {
        if (current.kind === 'admin') setSession(current);
        else {
          setSession(null);
          setLoginNotice('You are signed in as a phone user. Sign in with an administrator account.');
        }
      })
      .catch(() => setSession(null));
  }, [api]);

  const signedOut = useCallback(() => {
    setSession(null);
    setLoginNotice('You are signed out.');
  }, []);

  if (session === 'checking') return <div class="splash">Loading…</div>;
  if (session === null) {
    return (
      <LoginPage
        api={api}
        notice={loginNotice}
        onSignedIn={(fresh) => {
          setLoginNotice(null);
          setSession(fresh);
        }}
      />
    );
  }
  return (
    <PortalProvider api={api} session={session} onSignedOut={signedOut}>
      <Screens />
    </PortalProvider>
  );
}

function Screens() {
  const route = useRoute();
  const { draft, draftError, reloadCount } = usePortal();
  useEffect(() => {
    document.title = `${TITLES[sectionOf(route)]} · Switchboard`;
  }, [route]);
  let body;
  if (draft) body = <Page key={`${pageKey(route)}#${reloadCount}`} route={route} />;
  else if (draftError) body = <ErrorBanner error={draftError} />;
  else body = <p class="muted">Loading the configuration…</p>;
  return <Layout section={sectionOf(route)}>{body}</Layout>;
}

const TITLES: Record<Route['page'], string> = {
  settings: 'Settings',
  users: 'Users',
  user: 'Users',
  voicemails: 'Voicemails',
  voicemail: 'Voicemails',
  'voicemail-messages': 'Voicemails',
  numbers: 'Incoming numbers',
  number: 'Incoming numbers',
  'number-sms': 'Incoming numbers',
  'audio-messages': 'Audio messages',
  'audio-message-new': 'Audio messages',
  'music-on-hold': 'Music on hold',
  'ivr-menus': 'IVR menus',
  'ivr-menu': 'IVR menus',
  'opening-hours': 'Opening hours',
  'opening-hours-edit': 'Opening hours',
  'conference-rooms': 'Conference rooms',
  'conference-room': 'Conference rooms',
  changes: 'Changes & history',
  outbox: 'Outbox',
  'outbox-notice': 'Outbox',
};

/** Identifies the page's data, not its tab: switching tabs keeps the form being edited. */
function pageKey(route: Route): string {
  if ('boxId' in route) return `${route.page}:${route.boxId}`;
  if ('noticeId' in route) return `${route.page}:${route.noticeId}`;
  return 'id' in route ? `${route.page}:${route.id ?? 'new'}` : route.page;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'settings':
      return <SettingsPage />;
    case 'users':
      return <UsersPage />;
    case 'user':
      return <UserEditPage id={route.id} tab={route.tab} />;
    case 'voicemails':
      return <VoicemailsPage />;
    case 'voicemail':
      return <VoicemailEditPage id={route.id} />;
    case 'numbers':
      return <IncomingNumbersPage />;
    case 'number':
      return <IncomingNumberEditPage id={route.id} />;
    case 'number-sms':
      return <NumberSmsPage numberId={route.id} />;
    case 'audio-messages':
      return <AudioMessagesPage />;
    case 'audio-message-new':
      return <AudioMessageNewPage />;
    case 'music-on-hold':
      return <MusicOnHoldPage />;
    case 'ivr-menus':
      return <IvrMenusPage />;
    case 'ivr-menu':
      return <IvrMenuEditPage id={route.id} />;
    case 'opening-hours':
      return <OpeningHoursListPage />;
    case 'opening-hours-edit':
      return <OpeningHoursEditPage id={route.id} />;
    case 'conference-rooms':
      return <ConferenceRoomsPage />;
    case 'conference-room':
      return <ConferenceRoomEditPage id={route.id} />;
    case 'changes':
      return <ChangesPage />;
    case 'voicemail-messages':
      return <VoicemailMessagesPage boxId={route.boxId} />;
    case 'outbox':
      return <OutboxPage />;
    case 'outbox-notice':
      return <OutboxNoticePage noticeId={route.noticeId} />;
  }
}
