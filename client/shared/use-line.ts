// Preact bindings for the phone line: its state as component state, and a clock for call timers.
import { useEffect, useState } from 'preact/hooks';
import type { LineState, PhoneLine } from './phone-line.ts';

export function useLineState(line: PhoneLine): LineState {
  const [state, setState] = useState(line.state);
  useEffect(() => {
    setState(line.state);
    return line.subscribe(setState);
  }, [line]);
  return state;
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
