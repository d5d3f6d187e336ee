// The signed-in softphone: one card that is the dial pad, the history or the settings when idle,
// the incoming call when one rings, and the call screen during a call.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LineCallScreen } from '../shared/CallScreen.tsx';
import { HttpError } from '../shared/http.ts';
import { ConnectionStatus, LineNoticeBanner, ReconnectingBanner } from '../shared/LineStatus.tsx';
import { saveMicrophoneId, savedMicrophoneId } from '../shared/microphone.ts';
import { PhoneLine } from '../shared/phone-line.ts';
import { PhoneIcon, type PhoneIconName } from '../shared/PhoneIcon.tsx';
import { PhoneTopbar } from '../shared/PhoneTopbar.tsx';
import { Ringtone } from '../shared/ringtone.ts';
import { useLineState, useTabLine } from '../shared/use-line.ts';
import { phoneApi, type PhoneSession, type PhoneVoicemail, type UserHistory } from './api.ts';
import { DialPanel } from './components/DialPanel.tsx';
import { HistoryPanel } from './components/HistoryPanel.tsx';
import { IncomingScreen } from './components/IncomingScreen.tsx';
import { SettingsPanel } from './components/SettingsPanel.tsx';
import { VoicemailPanel } from './components/VoicemailPanel.tsx';

type Tab = 'keypad' | 'history' | 'voicemail' | 'settings';

/** "#voicemail/<messageId>" (the link of a voicemail e-mail) opens that message; "#voicemail" the tab. */
function voicemailLink(hash: string): { messageId: string | null } | null {
  const match = /^#\/?voicemail(?:\/([^/]+))?\/?$/.exec(hash);
  return match ? { messageId: match[1] ? decodeURIComponent(match[1]) : null } : null;
}

interface SoftphoneProps {
  session: PhoneSession;
  /** Back to the sign-in page, saying why when it was not the person's choice. */
  onSignedOut(why: string | null): void;
}

export function Softphone({ session, onSignedOut }: SoftphoneProps) {
  const [microphoneId, setMicrophoneId] = useState(savedMicrophoneId);
  const line = useMemo(() => new PhoneLine({ namespace: '/phone', microphoneId: savedMicrophoneId() }), []);
  const ringtone = useMemo(() => new Ringtone(), []);
  const state = useLineState(line);
  const [tab, setTab] = useState<Tab>(() => (voicemailLink(location.hash) ? 'voicemail' : 'keypad'));
  const [number, setNumber] = useState('');
  const [history, setHistory] = useState<UserHistory | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [voicemail, setVoicemail] = useState<PhoneVoicemail | null>(null);
  const [voicemailError, setVoicemailError] = useState<string | null>(null);
  const [openMessage, setOpenMessage] = useState<string | null>(() => voicemailLink(location.hash)?.messageId ?? null);
  useTabLine(line, ringtone);

  // The session ended elsewhere (signed out, expired): the PBX refuses the connection.
  useEffect(() => {
    if (state.connection === 'refused') onSignedOut('Your session has ended. Sign in again.');
  }, [state.connection]);

  const ringingCall = state.call ? undefined : state.ringing[0];
  useEffect(() => {
    if (ringingCall) ringtone.start();
    else ringtone.stop();
  }, [ringingCall !== undefined]);

  const loadHistory = async () => {
    try {
      setHistory(await phoneApi.history());
      setHistoryError(null);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) return onSignedOut('Your session has ended. Sign in again.');
      setHistoryError(error instanceof Error ? error.message : String(error));
    }
  };
  const loadVoicemail = async () => {
    try {
      setVoicemail(await phoneApi.voicemail());
      setVoicemailError(null);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) return onSignedOut('Your session has ended. Sign in again.');
      setVoicemailError(error instanceof Error ? error.message : String(error));
    }
  };
  useEffect(() => line.onHistoryChanged(() => void loadHistory()), [line]);
  // A message saved, heard or deleted (here, by phone, in another tab): the count and the list.
  // A call that ends may have left a message too, so the history's signal is also taken.
  useEffect(() => line.onVoicemailChanged(() => void loadVoicemail()), [line]);
  useEffect(() => line.onHistoryChanged(() => void loadVoicemail()), [line]);
  // Calls may have been missed while the connection was down: fetch again whenever it comes back.
  useEffect(() => {
    if (state.connection === 'online') {
      void loadHistory();
      void loadVoicemail();
    }
  }, [state.connection]);
  useEffect(() => {
    void loadVoicemail();
    // The e-mail's link followed while the phone is already open in this tab.
    const followLink = () => {
      const link = voicemailLink(location.hash);
      if (!link) return;
      setTab('voicemail');
      setOpenMessage(link.messageId);
      void loadVoicemail();
    };
    window.addEventListener('hashchange', followLink);
    return () => window.removeEventListener('hashchange', followLink);
  }, []);

  // The message-waiting indicator: new messages, in the tab, the top bar and the page title.
  const newMessages = voicemail?.counts.new ?? 0;
  useEffect(() => {
    document.title = newMessages > 0 ? `(${newMessages}) Switchboard · Softphone` : 'Switchboard · Softphone';
  }, [newMessages]);

  const markHeard = async (messageId: string) => {
    try {
      const { message, counts } = await phoneApi.markHeard(messageId);
      setVoicemail((current) => current && { ...current, counts, messages: current.messages.map((m) => (m.id === message.id ? message : m)) });
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return void loadVoicemail();
      setVoicemailError(error instanceof Error ? error.message : String(error));
    }
  };
  const deleteMessage = async (messageId: string) => {
    try {
      const { counts } = await phoneApi.deleteMessage(messageId);
      setVoicemail((current) => current && { ...current, counts, messages: current.messages.filter((m) => m.id !== messageId) });
      if (openMessage === messageId) openOnly(null);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return void loadVoicemail();
      setVoicemailError(error instanceof Error ? error.message : String(error));
    }
  };
  /** Opens one message (or none), keeping the address in step so a reload shows the same. */
  const openOnly = (messageId: string | null) => {
    setOpenMessage(messageId);
    const hash = messageId ? `#voicemail/${encodeURIComponent(messageId)}` : '#voicemail';
    if (location.hash !== hash) window.history.replaceState(null, '', hash);
  };
  const chooseTab = (next: Tab) => {
    setTab(next);
    if (next === 'voicemail') {
      window.history.replaceState(null, '', openMessage ? `#voicemail/${encodeURIComponent(openMessage)}` : '#voicemail');
      void loadVoicemail();
    } else if (location.hash) {
      window.history.replaceState(null, '', location.pathname + location.search);
    }
  };

  // Looking at the history clears the missed-call badge (for every device of the user).
  const unseenMissed = history?.unseenMissed ?? 0;
  useEffect(() => {
    if (tab !== 'history' || unseenMissed === 0) return;
    phoneApi.markMissedSeen().then(
      () => setHistory((current) => (current ? { ...current, unseenMissed: 0 } : current)),
      () => undefined,
    );
  }, [tab, unseenMissed]);

  const dial = (to: string) => {
    chooseTab('keypad');
    void line.dial(to);
  };

  const signOut = async () => {
    ringtone.stop();
    line.close();
    await phoneApi.logout().catch(() => undefined);
    onSignedOut(null);
  };

  const chooseMicrophone = (deviceId: string | null) => {
    setMicrophoneId(deviceId);
    saveMicrophoneId(deviceId);
    void line.useMicrophone(deviceId);
  };

  const tabs: { id: Tab; label: string; icon: PhoneIconName }[] = [
    { id: 'keypad', label: 'Keypad', icon: 'keypad' },
    { id: 'history', label: 'History', icon: 'history' },
    { id: 'voicemail', label: 'Voicemail', icon: 'voicemail' },
    { id: 'settings', label: 'Settings', icon: 'settings' },
  ];

  return (
    <div class="phone-app">
      <PhoneTopbar product="Softphone">
        {newMessages > 0 && (
          <button
            type="button"
            class="message-waiting"
            data-testid="message-waiting"
            title="Open your voicemail"
            onClick={() => {
              chooseTab('voicemail');
            }}
          >
            <PhoneIcon name="voicemail" size={16} />
            {newMessages === 1 ? '1 new message' : `${newMessages} new messages`}
          </button>
        )}
        <ConnectionStatus connection={state.connection} refusedWords="Offline" />
        <span class="topbar-divider" aria-hidden="true" />
        <span class="account" title={`Extension ${session.extension}`}>
          <span class="avatar" aria-hidden="true">
            {session.name.slice(0, 1).toUpperCase()}
          </span>
          <span>
            {session.name} <span class="muted">({session.extension})</span>
          </span>
        </span>
        <button type="button" class="icon-button" aria-label="Sign out" title="Sign out" onClick={() => void signOut()}>
          <PhoneIcon name="logout" />
        </button>
      </PhoneTopbar>

      <main class="phone-main">
        <ReconnectingBanner connection={state.connection} />
        <div class="phone-card">
          {state.call ? (
            <LineCallScreen line={line} call={state.call} canHold />
          ) : ringingCall ? (
            <IncomingScreen
              call={ringingCall}
              ownExtension={session.extension}
              onAnswer={() => void line.answer(ringingCall.callId)}
              onReject={() => line.reject(ringingCall.callId)}
            />
          ) : (
            <>
              <nav class="phone-tabs" aria-label="Phone">
                {tabs.map((t) => (
                  <button
                    key={t.id}
                    type="button"
                    class={`phone-tab${tab === t.id ? ' active' : ''}`}
                    aria-current={tab === t.id ? 'page' : undefined}
                    onClick={() => chooseTab(t.id)}
                  >
                    <PhoneIcon name={t.icon} size={16} />
                    {t.label}
                    {t.id === 'history' && unseenMissed > 0 && (
                      <span class="missed-badge" data-testid="missed-badge" aria-label={`${unseenMissed} missed`}>
                        {unseenMissed}
                      </span>
                    )}
                    {t.id === 'voicemail' && newMessages > 0 && (
                      <span class="missed-badge voicemail-badge" data-testid="voicemail-badge" aria-label={`${newMessages} new`}>
                        {newMessages}
                      </span>
                    )}
                  </button>
                ))}
              </nav>
              <LineNoticeBanner notice={state.notice} onDismiss={() => line.dismissNotice()} />
              <div class="phone-panel">
                {tab === 'keypad' && <DialPanel number={number} onNumber={setNumber} onCall={() => dial(number)} disabled={state.connection !== 'online'} />}
                {tab === 'history' && <HistoryPanel history={history} error={historyError} canCall={state.connection === 'online'} onCallBack={(to) => { setNumber(to); dial(to); }} />}
                {tab === 'voicemail' && (
                  <VoicemailPanel voicemail={voicemail} error={voicemailError} openId={openMessage} onOpen={openOnly} onHeard={markHeard} onDelete={deleteMessage} />
                )}
                {tab === 'settings' && <SettingsPanel session={session} microphoneId={microphoneId} onMicrophone={chooseMicrophone} onSignOut={() => void signOut()} />}
              </div>
            </>
          )}
        </div>
        <p class="phone-foot muted small">
          {state.call || ringingCall ? '\u00a0' : 'Calls ring in every tab where you are signed in.'}
        </p>
      </main>
    </div>
  );
}
