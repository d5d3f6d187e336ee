// The public caller page: anyone can call the PBX's incoming numbers from the browser, without an
// account. It lists the numbers, dials one (or one typed), and during the call offers the keypad for
// menus and Hang up. The PBX refuses extensions and too many calls at once; the page says so.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LineCallScreen } from '../shared/CallScreen.tsx';
import { requestJson } from '../shared/http.ts';
import { ConnectionStatus, LineNoticeBanner, ReconnectingBanner } from '../shared/LineStatus.tsx';
import { PhoneLine } from '../shared/phone-line.ts';
import { PhoneIcon } from '../shared/PhoneIcon.tsx';
import { PhoneTopbar } from '../shared/PhoneTopbar.tsx';
import { useLineState, useTabLine } from '../shared/use-line.ts';

interface PublicNumber {
  number: string;
  label: string;
}

export function CallerPage() {
  const line = useMemo(() => new PhoneLine({ namespace: '/caller' }), []);
  const state = useLineState(line);
  const [numbers, setNumbers] = useState<PublicNumber[] | null>(null);
  const [numbersError, setNumbersError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  useTabLine(line, null);

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
      <PhoneTopbar product="Call us">
        <ConnectionStatus connection={state.connection} refusedWords="Unavailable" />
      </PhoneTopbar>
      <main class="phone-main">
        <ReconnectingBanner connection={state.connection} />
        <div class="phone-card caller-card">
          {state.call ? (
            <LineCallScreen line={line} call={state.call} canHold={false} />
          ) : (
            <div class="caller-home">
              <h1 class="caller-title">Call us from your browser</h1>
              <p class="muted caller-lead">No phone needed: your browser uses your microphone and speakers. It will ask to use the microphone.</p>
              <LineNoticeBanner notice={state.notice} onDismiss={() => line.dismissNotice()} />
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
