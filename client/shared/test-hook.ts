// What browser tests may ask a phone page (window.__softphone): the line's state, whether it rings,
// and what the remote audio sounds like. Read-only measurements: tests act through the page itself,
// with clicks and typing, as a person does.
import type { AudioSnapshot } from './audio-meter.ts';
import type { InboundAudioStats, OutboundAudioStats } from './call-session.ts';
import type { LineState, PhoneLine } from './phone-line.ts';
import type { Ringtone } from './ringtone.ts';

export interface SoftphoneProbe {
  state(): LineState;
  /** True while the ringtone plays. */
  ringing(): boolean;
  /** Snapshots of the remote audio every 100 ms for `ms` milliseconds. */
  listen(ms: number, probesHz?: number[]): Promise<AudioSnapshot[]>;
  inboundAudio(): Promise<InboundAudioStats | null>;
  outboundAudio(): Promise<OutboundAudioStats | null>;
  canSendDigits(): boolean;
  /** The device the call in progress takes its microphone from. */
  microphoneDeviceId(): string | null;
}

declare global {
  interface Window {
    __softphone?: SoftphoneProbe;
  }
}

export function exposeForTests(line: PhoneLine, ringtone: Ringtone | null): void {
  const session = () => {
    const current = line.session;
    if (!current) throw new Error('No call in progress');
    return current;
  };
  window.__softphone = {
    state: () => line.state,
    ringing: () => ringtone?.playing ?? false,
    listen: (ms, probesHz = []) => session().listen(ms, probesHz),
    inboundAudio: () => session().inboundAudio(),
    outboundAudio: () => session().outboundAudio(),
    canSendDigits: () => line.session?.canSendDigits ?? false,
    microphoneDeviceId: () => session().microphoneDeviceId,
  };
}
