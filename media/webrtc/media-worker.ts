// The media worker thread: it owns every Leg (werift peer connection, UDP sockets, DTLS, SRTP)
// and relays audio between them, so that the PBX's main thread (signaling, HTTP, call flow) never
// waits on media: not on a packet burst, not on a DTLS handshake, not on the garbage collection of
// werift's per-leg objects (~150 kB each), which happens here, in this thread's own heap.
// Started by MediaWorker (remote-leg.ts); speaks media-worker-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { Leg, OpusPacket } from './leg.ts';
import { ConferenceRooms } from '../mixer/conference-rooms.ts';
import { LocalLegs, type RelayHandle } from './media-leg.ts';
import type { FromMediaWorker, MediaWorkerData, ToMediaWorker } from './media-worker-protocol.ts';

const RESOURCES_EVERY_MS = 500;

const port = parentPort;
if (!port) throw new Error('media-worker.ts runs as a worker thread');
const legs = new LocalLegs((workerData as MediaWorkerData).leg);
const open = new Map<number, { leg: Leg; forwardRtp: ((packet: OpusPacket) => void) | undefined }>();
const relays = new Map<number, { relay: RelayHandle; from: number; to: number }>();
/** Mixed here, beside the legs: decoded audio never crosses threads. A leg that closes leaves its room. */
const conferences = new ConferenceRooms();

const post = (message: FromMediaWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

function reportResources(): void {
  const activeResources: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) activeResources[resource] = (activeResources[resource] ?? 0) + 1;
  post({ op: 'resources', activeResources, openLegs: open.size, heapUsedBytes: process.memoryUsage().heapUsed, conferences: conferences.takeStats() });
}

function create(id: number): void {
  const leg = legs.create();
  open.set(id, { leg, forwardRtp: undefined });
  leg.on('connected', () => post({ op: 'connected', leg: id }));
  leg.on('dtmf', ({ digit }) => post({ op: 'dtmf', leg: id, digit }));
  leg.once('closed', (reason) => {
    const entry = open.get(id);
    if (entry?.forwardRtp) leg.off('rtp', entry.forwardRtp);
    open.delete(id);
    for (const [relayId, relay] of relays) {
      if (relay.from !== id && relay.to !== id) continue;
      relay.relay.close();
      relays.delete(relayId);
    }
    post({ op: 'closed', leg: id, reason });
    // Its sockets finish closing a moment later.
    setTimeout(reportResources, 50);
  });
}

async function call(id: number, legId: number, method: string, args: unknown[]): Promise<void> {
  const leg = open.get(legId)?.leg;
  try {
    if (!leg) {
      // Closing a leg that is already gone is done; anything else is refused.
      if (method === 'close') return post({ op: 'reply', id });
      throw new Error('Leg: closed');
    }
    const value = await (leg[method as 'acceptOffer'] as (...a: unknown[]) => Promise<unknown>).apply(leg, args);
    post({ op: 'reply', id, value });
  } catch (error) {
    post({ op: 'reply', id, error: error instanceof Error ? error.message : String(error) });
  }
}

function listen(legId: number, wanted: boolean): void {
  const entry = open.get(legId);
  if (!entry || wanted === (entry.forwardRtp !== undefined)) return;
  if (wanted) {
    entry.forwardRtp = ({ payload, sequenceNumber, timestamp, marker }) => {
      const copy = new Uint8Array(payload);
      post({ op: 'rtp', leg: legId, payload: copy, sequenceNumber, timestamp, marker }, [copy.buffer]);
    };
    entry.leg.on('rtp', entry.forwardRtp);
  } else {
    entry.leg.off('rtp', entry.forwardRtp!);
    entry.forwardRtp = undefined;
  }
}

port.on('message', (message: ToMediaWorker) => {
  switch (message.op) {
    case 'create':
      return create(message.leg);
    case 'call':
      return void call(message.id, message.leg, message.method, message.args);
    case 'send-opus':
      open.get(message.leg)?.leg.sendOpus(message.payload, { timestampIncrement: message.timestampIncrement });
      return;
    case 'listen':
      return listen(message.leg, message.rtp);
    case 'relay': {
      const from = open.get(message.from)?.leg;
      const to = open.get(message.to)?.leg;
      if (from && to) relays.set(message.relay, { relay: legs.relay(from, to), from: message.from, to: message.to });
      return;
    }
    case 'unrelay':
      relays.get(message.relay)?.relay.close();
      relays.delete(message.relay);
      return;
    case 'conference-join':
    case 'conference-hear':
    case 'conference-announce':
    case 'conference-leave': {
      const leg = open.get(message.leg)?.leg;
      if (!leg) return;
      if (message.op === 'conference-join') conferences.join(message.roomId, leg);
      else if (message.op === 'conference-hear') conferences.hear(leg, message.on);
      else if (message.op === 'conference-announce') conferences.announce(leg, message.tone);
      else conferences.leave(leg);
      return;
    }
  }
});

setInterval(reportResources, RESOURCES_EVERY_MS).unref();
reportResources();
