// Preact bindings for the phone line: its state as component state, its life as long as the page's,
// and a clock for call timers.
import { useEffect, useState } from 'preact/hooks';
import type { LineState, PhoneLine } from './phone-line.ts';
import type { Ringtone } from './ringtone.ts';
import { exposeForTests } from './test-hook.ts';

export function useLineState(line: PhoneLine): LineState {
  const [state, setState] = useState(line.state);
  useEffect(() => {
    setState(line.state);
    return line.subscribe(setState);
  }, [line]);
  return state;
}

/**
 * The line (and ringtone) of the page this tab shows: browser tests may look at them, closing the tab
 * during a call asks first, and leaving the page hangs up and closes the line.
 */
export function useTabLine(line: PhoneLine, ringtone: Ringtone | null): void {
  useEffect(() => {
    exposeForTests(line, ringtone);
    // Closing the tab ends its call: the browser asks first.
    const confirmLeaving = (event: BeforeUnloadEvent) => {
      if (line.state.call) event.preventDefault();
    };
    window.addEventListener('beforeunload', confirmLeaving);
    return () => {
      window.removeEventListener('beforeunload', confirmLeaving);
      ringtone?.stop();
      line.close();
    };
  }, [line, ringtone]);
}

/** Date.now(), refreshed every `intervalMs` while `active`. */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
