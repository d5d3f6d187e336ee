// The messages between RemoteLegs (remote-leg.ts, on the PBX's main thread) and the media worker
// (media-worker.ts), which owns the real Legs: their peer connections, sockets and relays.
import type { DtmfDigit } from '../dtmf-digit.ts';
import type { ConferenceRoomsStats, ConferenceTone } from '../mixer/conference-rooms.ts';
import type { LegCloseReason, LegOptions } from './leg.ts';

export interface MediaWorkerData {
  leg: LegOptions;
}

/** Leg methods answered through a reply. */
export type LegCall = 'acceptOffer' | 'createOffer' | 'acceptAnswer' | 'sendDtmf' | 'close';

export type ToMediaWorker =
  | { op: 'create'; leg: number }
  | { op: 'call'; id: number; leg: number; method: LegCall; args: unknown[] }
  | { op: 'send-opus'; leg: number; payload: Uint8Array; timestampIncrement?: number }
  /** Whether the leg's received Opus packets are wanted on the main thread (recording, in-band DTMF). */
  | { op: 'listen'; leg: number; rtp: boolean }
  | { op: 'relay'; relay: number; from: number; to: number }
  | { op: 'unrelay'; relay: number }
  /** Conference rooms (media/mixer/conference-rooms.ts), mixed here where the legs are. */
  | { op: 'conference-join'; leg: number; roomId: string }
  | { op: 'conference-hear'; leg: number; on: boolean }
  | { op: 'conference-announce'; leg: number; tone: ConferenceTone }
  | { op: 'conference-leave'; leg: number };

export type FromMediaWorker =
  | { op: 'reply'; id: number; value?: unknown; error?: string }
  | { op: 'connected'; leg: number }
  | { op: 'closed'; leg: number; reason: LegCloseReason }
  | { op: 'dtmf'; leg: number; digit: DtmfDigit }
  | { op: 'rtp'; leg: number; payload: Uint8Array; sequenceNumber: number; timestamp: number; marker: boolean }
  /** The worker's open handles (its UDP sockets, timers) and heap, for GET /api/status. */
  | { op: 'resources'; activeResources: Record<string, number>; openLegs: number; heapUsedBytes: number; conferences: ConferenceRoomsStats };
