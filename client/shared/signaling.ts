// The browser's end of the signaling protocol: a socket.io connection typed with the same event map
// the server uses (server/signaling/protocol.ts), so a renamed event or a changed payload fails the
// type check on both sides at once.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../server/signaling/protocol.ts';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** `/phone` for softphones (the session cookie says who), `/caller` for the public caller page. */
export type SignalingNamespace = '/phone' | '/caller';

/** How long a request may wait for the PBX's answer before the page says it cannot reach it. */
export const REQUEST_TIMEOUT_MS = 15_000;

export function connectSignaling(namespace: SignalingNamespace): SignalingSocket {
  // socket.io reconnects by itself (with backoff) when the server goes away; the page only shows it.
  return io(namespace, { withCredentials: true, reconnectionDelayMax: 4000 });
}

/** Thrown when the PBX did not answer a request in time or the connection dropped meanwhile. */
export class SignalingTimeout extends Error {
  constructor() {
    super('The PBX did not answer in time. Check your connection and try again.');
  }
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]> extends [unknown, (result: infer R) => void] ? R : never;

/** Sends a request that the server acknowledges; resolves with its Result, rejects with SignalingTimeout. */
export async function request<E extends 'dial' | 'answer' | 'hold'>(
  socket: SignalingSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<AckOf<E>> {
  try {
    // socket.io's emitWithAck typing cannot follow a generic event name: the map above keeps it honest.
    const timed = socket.timeout(REQUEST_TIMEOUT_MS);
    const emit = timed.emitWithAck as (event: E, payload: unknown) => Promise<unknown>;
    return (await emit.call(timed, event, payload)) as AckOf<E>;
  } catch {
    throw new SignalingTimeout();
  }
}

export type { Result };
