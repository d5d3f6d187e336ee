// The public caller page: anyone can call the PBX's incoming numbers from the browser, without an
// account. It lists the numbers, dials one (or one typed), and during the call offers the keypad for
// menus and Hang up. The PBX refuses extensions and too many calls at once; the page says so.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { CallScreen } from '../shared/CallScreen.tsx';
import { requestJson } from '../shared/http.ts';
import { PhoneLine, type LineState } from '../shared/phone-line.ts';
import { PhoneIcon } from '../shared/PhoneIcon.tsx';
import { exposeForTests } from '../shared/test-hook.ts';
import { useLineState } from '../shared/use-line.ts';

interface PublicNumber {
  number: string;
  label: string;
}

const CONNECTION_WORDS: Record<LineState['connection'], string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  refused: 'Unavailable',
};

export function CallerPage() {
  const line = useMemo(() => new PhoneLine({ namespace: '/caller' }), []);
  const state = useLineState(line);
  const [numbers, setNumbers] = useState<PublicNumber[] | null>(null);
  const [numbersError, setNumbersError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');

  useEffect(() => {
    exposeForTests(line, null);
    // Closing the tab ends the call: the browser asks first.
    const confirmLeaving = (event: BeforeUnloadEvent) => {
      if (line.state.call) event.preventDefault();
    };
    window.addEventListener('beforeunload', confirmLeaving);
    return () => {
      window.removeEventListener('beforeunload', confirmLeaving);
      line.close();
    };
  }, [line]);

  useEffect(() => {
    if (state.connection !== 'online' || numbers) return;
    requestJson<PublicNumber[]>('GET', '/api/public/numbers').then(
      (list) => {
        setNumbers(list);
        setNumbersError(null);
      },
      (error: unknown) => setNumbersError(error instanceof Error ? error.message : String(error)),
    );
  }, [state.connection]);

  const online = state.connection === 'online';
  return (
    <div class="phone-app">
      <header class="topbar phone-topbar">
        <div class="brand phone-brand">
          <span class="brand-mark" aria-hidden="true">
            S
          </span>
          <span class="brand-name">Switchboard</span>
          <span class="brand-product">Call us</span>
        </div>
        <div class="topbar-actions">
          <span class={`connection connection-${state.connection}`} data-testid="connection" role="status">
            <span class="connection-dot" aria-hidden="true" />
            {CONNECTION_WORDS[state.connection]}
          </span>
        </div>
      </header>
      <main class="phone-main">
        {state.connection === 'reconnecting' && (
          <div class="banner banner-error phone-banner" role="alert" data-testid="reconnecting">
            The PBX cannot be reached. Reconnecting…
          </div>
        )}
        <div class="phone-card caller-card">
          {state.call ? (
            <CallScreen call={state.call} onHangup={() => line.hangup()} onMute={(muted) => line.setMuted(muted)} onDigits={(digits) => line.sendDigits(digits)} />
          ) : (
            <div class="caller-home">
              <h1 class="caller-title">Call us from your browser</h1>
              <p class="muted caller-lead">No phone needed: your browser uses your microphone and speakers. It will ask to use the microphone.</p>
              {state.notice && (
                <div class={`line-notice${state.notice.trouble ? ' line-notice-trouble' : ''}`} role="status">
                  <span data-testid="line-notice">{state.notice.text}</span>
                  <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => line.dismissNotice()}>
                    ×
                  </button>
                </div>
              )}
              {numbersError && <div class="banner banner-error">{numbersError}</div>}
              {numbers === null && !numbersError && <p class="empty">Loading the numbers…</p>}
              {numbers?.length === 0 && <p class="empty">There is no number to call yet.</p>}
              {numbers && numbers.length > 0 && (
                <ul class="number-list" aria-label="Numbers you can call">
                  {numbers.map((n) => (
                    <li key={n.number} class="number-entry" data-testid="public-number">
                      <span class="number-icon" aria-hidden="true">
                        <PhoneIcon name="phone" size={18} />
                      </span>
                      <span class="number-body">
                        <span class="number-label">{n.label || n.number}</span>
                        <span class="number-digits mono">{n.number}</span>
                      </span>
                      <button type="button" class="btn btn-primary btn-small number-call" aria-label={`Call ${n.label || n.number}`} disabled={!online} onClick={() => void line.dial(n.number)}>
                        <PhoneIcon name="phone" size={14} />
                        Call
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <form
                class="caller-typed"
                onSubmit={(event) => {
                  event.preventDefault();
                  void line.dial(typed);
                }}
              >
                <label class="field-label" for="typed-number">
                  Or type a number
                </label>
                <div class="caller-typed-row">
                  <input id="typed-number" inputMode="tel" autocomplete="off" placeholder="+33…" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
                  <button type="submit" class="btn btn-secondary" disabled={!online || typed.trim() === ''}>
                    Call
                  </button>
                </div>
              </form>
            </div>
          )}
        </div>
        <p class="phone-foot muted small">Calls go through the Switchboard PBX. Use the keypad during a call to answer menus.</p>
      </main>
    </div>
  );
}
