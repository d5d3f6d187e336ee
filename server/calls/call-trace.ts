// What happened in each call, as the PBX saw it: the steps it ran, whose phones rang, who answered,
// every prompt it played to the caller, the keys it heard, the voicemail it saved, how it ended.
// Admins read it (GET /api/calls/:callId/trace); the call-flow runner (flow/) checks scenarios
// against it, since only the PBX knows which prompt it played.
import type { CallId, EndReason, Party } from '../signaling/protocol.ts';
import type { RingOutcome } from './flow.ts';
import type { CallLeg, Playable } from './ports.ts';

/** A step of the flow with its own values only (branches left out): `{ type: 'ring', userId, seconds }`. */
export type StepSummary = { type: string } & Record<string, string | number | boolean>;

/** What was played, as data: a recording's file path is left out. */
export type PlayedItem = { type: string } & Record<string, unknown>;

export type CallTraceEvent =
  | { type: 'dialled'; to: string; from: Party }
  | { type: 'step'; step: StepSummary }
  | { type: 'ringing'; userId: string; phones: number }
  | { type: 'ring-ended'; userId: string; outcome: RingOutcome }
  | { type: 'answered'; userId: string }
  | { type: 'play'; item: PlayedItem }
  /**
   * `played` false: there was nothing to play (an audio message without audio). `cut`: it did not
   * play to its end (a key, another sound, the call ended).
   */
  | { type: 'play-ended'; item: PlayedItem; played: boolean; cut: boolean }
  | { type: 'digit'; digit: string }
  /** How the caller left an IVR menu: a key with a destination, or the fallback (after invalid keys or waits). */
  | { type: 'menu-outcome'; menuId: string; because: 'key' | 'fallback'; key: string | null }
  /** Which branch of opening hours the clock chose. */
  | { type: 'opening-hours'; openingHoursId: string; open: boolean }
  /** The caller came into a conference room (past its PIN, not full): `members` with the caller. */
  | { type: 'conference-joined'; roomId: string; members: number }
  | { type: 'voicemail-message'; boxId: string; messageId: string; durationMs: number; kept: boolean; ending: string }
  | { type: 'ended'; by: string; reason: EndReason };

/** One event as stored: when (ISO time, and ms since the call started). */
export type TracedEvent = CallTraceEvent & { at: string; ms: number };

export interface CallTrace {
  callId: CallId;
  startedAt: string;
  endedAt: string | null;
  events: TracedEvent[];
}

/** Where the engine reports each event of a call. */
export interface CallTraceSink {
  begin(callId: CallId, startedAt: Date): void;
  record(callId: CallId, event: CallTraceEvent): void;
}

export const noTrace: CallTraceSink = { begin: () => {}, record: () => {} };

export interface CallTracesOptions {
  /** Ended calls kept; the oldest is forgotten beyond this. */
  keepEnded?: number;
  /** Events kept per call: a call left in a menu for hours stops growing. */
  maxEvents?: number;
  now?: () => Date;
}

/** The traces of the calls in progress and of the last ended ones, in memory. */
export class CallTraces implements CallTraceSink {
  readonly #traces = new Map<CallId, CallTrace>();
  readonly #ended: CallId[] = [];
  /** Real time (ms) at which each call in progress started. */
  readonly #origins = new Map<CallId, number>();
  readonly #keepEnded: number;
  readonly #maxEvents: number;
  readonly #now: () => Date;

  constructor(options: CallTracesOptions = {}) {
    this.#keepEnded = options.keepEnded ?? 500;
    this.#maxEvents = options.maxEvents ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * `startedAt` is the PBX's clock (a test clock may set it anywhere): times in the trace follow it,
   * while `ms` counts real time since the start.
   */
  begin(callId: CallId, startedAt: Date): void {
    this.#traces.set(callId, { callId, startedAt: startedAt.toISOString(), endedAt: null, events: [] });
    this.#origins.set(callId, this.#now().getTime());
  }

  #forget(callId: CallId): void {
    this.#traces.delete(callId);
    this.#origins.delete(callId);
  }

  /**
   * Events may follow the call's end (a message left by a caller who hung up is saved after), so
   * a trace keeps its origin until the trace itself is forgotten.
   */
  record(callId: CallId, event: CallTraceEvent): void {
    const trace = this.#traces.get(callId);
    if (!trace || trace.events.length >= this.#maxEvents) return;
    const origin = this.#origins.get(callId);
    if (origin === undefined) return;
    const ms = this.#now().getTime() - origin;
    const at = new Date(Date.parse(trace.startedAt) + ms).toISOString();
    trace.events.push({ ...event, at, ms });
    if (event.type === 'ended') {
      trace.endedAt = at;
      this.#ended.push(callId);
      while (this.#ended.length > this.#keepEnded) this.#forget(this.#ended.shift()!);
    }
  }

  get(callId: string): CallTrace | undefined {
    return this.#traces.get(callId as CallId);
  }
}

export function summarizeStep(step: { type: string }): StepSummary {
  const summary: StepSummary = { type: step.type };
  for (const [key, value] of Object.entries(step)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') summary[key] = value;
  }
  return summary;
}

export function describePlayable(item: Playable): PlayedItem {
  const { path: _path, ...rest } = item as Playable & { path?: string };
  return rest;
}

/** Presses reported twice this close together (several listeners on one leg) are one press. */
const SAME_DIGIT_MS = 50;

/**
 * The caller's leg, reporting what it plays and the keys it hears. A Proxy rather than a wrapper
 * class: for everything else it must stay the media plane's own leg (a relay looks inside it), and
 * any later engine code that plays to the caller is traced without having to remember it.
 */
export function tracedLeg<L extends CallLeg>(leg: L, report: (event: CallTraceEvent) => void): L {
  let lastDigit = { digit: '', at: -Infinity };
  /** The play in progress: anything else the leg is told to do cuts it. */
  let playing: { cut: boolean } | null = null;
  const cutPlaying = () => {
    if (playing) playing.cut = true;
  };
  const playItem = async (item: Playable): Promise<boolean> => {
    cutPlaying();
    const described = describePlayable(item);
    const current = { cut: false };
    playing = current;
    report({ type: 'play', item: described });
    const played = await leg.playItem(item);
    if (playing === current) playing = null;
    report({ type: 'play-ended', item: described, played, cut: current.cut || leg.closed });
    return played;
  };
  const overrides: Partial<CallLeg> = {
    playItem,
    hear: (source) => {
      cutPlaying();
      leg.hear(source);
    },
    close: () => {
      cutPlaying();
      leg.close();
    },
    play: async (prompt) => {
      await playItem({ type: 'prompt', name: prompt });
    },
    onDigit: (listener, options) =>
      leg.onDigit((digit) => {
        const now = performance.now();
        if (digit !== lastDigit.digit || now - lastDigit.at > SAME_DIGIT_MS) report({ type: 'digit', digit });
        lastDigit = { digit, at: now };
        listener(digit);
      }, options),
  };
  return new Proxy(leg, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof CallLeg];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
