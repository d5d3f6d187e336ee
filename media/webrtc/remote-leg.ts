// Legs that live on the media worker thread (media-worker.ts), used from the main thread as if
// they were here. A RemoteLeg forwards what is asked of it and mirrors the worker's Leg: its state
// and events ('connected', 'dtmf', 'closed', and 'rtp' only while someone listens for it here).
// Relays run inside the worker, so relayed audio never crosses threads.
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../typescript-worker.ts';
import type { DtmfDigit } from '../dtmf-digit.ts';
import type { LegCloseReason, LegEvents, LegOptions, SendDtmfOptions, SendOpusOptions } from './leg.ts';
import type { ConferenceMixing, ConferenceRoomsStats, ConferenceTone } from '../mixer/conference-rooms.ts';
import type { LegFactory, MediaLeg, RelayHandle } from './media-leg.ts';
import type { FromMediaWorker, LegCall, MediaWorkerData, ToMediaWorker } from './media-worker-protocol.ts';

export class RemoteLeg extends EventEmitter<LegEvents> implements MediaLeg {
  #closed = false;
  #connected = false;
  #closeReason: LegCloseReason | undefined;
  #closing: Promise<void> | undefined;
  #markReleased!: () => void;
  readonly #released = new Promise<void>((resolve) => (this.#markReleased = resolve));

  constructor(
    readonly id: number,
    private readonly worker: MediaWorker,
  ) {
    super();
    // Received packets cross threads only while someone here listens for them.
    const untyped = this as unknown as EventEmitter;
    untyped.on('newListener', (event: string | symbol) => {
      if (event === 'rtp' && this.listenerCount('rtp') === 0) this.worker.post({ op: 'listen', leg: this.id, rtp: true });
    });
    untyped.on('removeListener', (event: string | symbol) => {
      if (event === 'rtp' && this.listenerCount('rtp') === 0) this.worker.post({ op: 'listen', leg: this.id, rtp: false });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  get closeReason(): LegCloseReason | undefined {
    return this.#closeReason;
  }

  acceptOffer(offerSdp: string): Promise<string> {
    return this.#call('acceptOffer', offerSdp) as Promise<string>;
  }

  createOffer(): Promise<string> {
    return this.#call('createOffer') as Promise<string>;
  }

  async acceptAnswer(answerSdp: string): Promise<void> {
    await this.#call('acceptAnswer', answerSdp);
  }

  /** Queued to the worker's Leg, which numbers and sends it (false here when not connected). */
  sendOpus(payload: Uint8Array, options: SendOpusOptions = {}): boolean {
    if (!this.connected) return false;
    // A copy of its own, handed over: a frame may be a view into a whole file's buffer, which
    // postMessage would otherwise copy entire.
    const frame = new Uint8Array(payload);
    this.worker.post({ op: 'send-opus', leg: this.id, payload: frame, timestampIncrement: options.timestampIncrement }, [frame.buffer]);
    return true;
  }

  async sendDtmf(digits: string, options: SendDtmfOptions = {}): Promise<void> {
    await this.#call('sendDtmf', digits, options);
  }

  /** Resolves once the worker's Leg has released its sockets and timers (its 'closed' event). */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await this.#call('close').catch(() => {});
      await this.#released;
    })();
    return this.#closing;
  }

  /** From the worker. */
  onWorkerEvent(message: FromMediaWorker): void {
    switch (message.op) {
      case 'connected':
        this.#connected = true;
        this.emit('connected');
        return;
      case 'dtmf':
        this.emit('dtmf', { digit: message.digit as DtmfDigit });
        return;
      case 'rtp': {
        const { payload, sequenceNumber, timestamp, marker } = message;
        this.emit('rtp', { payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), sequenceNumber, timestamp, marker });
        return;
      }
      case 'closed':
        this.#ended(message.reason);
        return;
    }
  }

  /** The leg is gone: closed in the worker, or the worker itself is gone. */
  #ended(reason: LegCloseReason): void {
    if (this.#closeReason !== undefined) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#markReleased();
    this.emit('closed', reason);
    this.worker.forget(this);
  }

  workerGone(): void {
    this.#ended('media-worker-exited');
  }

  #call(method: LegCall, ...args: unknown[]): Promise<unknown> {
    if (this.#closeReason !== undefined && method !== 'close') return Promise.reject(new Error('Leg: closed'));
    return this.worker.request(this.id, method, args);
  }
}

export interface MediaWorkerStatus {
  activeResources: Readonly<Record<string, number>>;
  heapUsedBytes: number;
}

/** The worker's conference rooms now, and its mixing clock since the worker started. */
export type ConferenceMixingStatus = ConferenceRoomsStats;

export interface MediaWorkerOptions {
  /** For every leg. */
  leg: LegOptions;
}

/**
 * The media worker thread and the legs on it. One is enough on a small machine: it takes media
 * off the main thread; the relays' CPU per packet is the same wherever they run. A worker that
 * dies takes its legs with it (their calls end as connection-lost); the next leg starts a new one.
 */
export class MediaWorker implements LegFactory, ConferenceMixing {
  readonly #options: MediaWorkerOptions;
  #worker: Worker | undefined;
  readonly #legs = new Map<number, RemoteLeg>();
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #status: MediaWorkerStatus = { activeResources: {}, heapUsedBytes: 0 };
  #conferences: ConferenceMixingStatus = { rooms: 0, participants: 0, ticks: 0, busyMs: 0, maxTickMs: 0, lateTicks: 0 };
  #closed = false;

  constructor(options: MediaWorkerOptions) {
    this.#options = options;
  }

  /** Starts the worker now rather than at the first leg (it takes a moment to load). */
  start(): this {
    this.#ensureWorker();
    return this;
  }

  /** The worker's open handles as it last reported them (every 0.5 s, and when a leg closes). */
  get activeResources(): Readonly<Record<string, number>> {
    return this.#status.activeResources;
  }

  /** The worker's open handles and heap, as last reported. */
  get status(): MediaWorkerStatus {
    return this.#status;
  }

  get openLegs(): number {
    return this.#legs.size;
  }

  create(): RemoteLeg {
    if (this.#closed) throw new Error('MediaWorker: closed');
    this.#ensureWorker();
    const leg = new RemoteLeg(this.#nextId++, this);
    this.#legs.set(leg.id, leg);
    this.post({ op: 'create', leg: leg.id });
    return leg;
  }

  relay(from: MediaLeg, to: MediaLeg): RelayHandle {
    if (!(from instanceof RemoteLeg) || !(to instanceof RemoteLeg)) throw new Error('MediaWorker: both legs must be RemoteLegs');
    // A leg that has just ended relays nothing, as a Relay on a closed Leg would.
    if (!this.#legs.has(from.id) || !this.#legs.has(to.id)) return { close: () => {} };
    const relay = this.#nextId++;
    this.post({ op: 'relay', relay, from: from.id, to: to.id });
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.post({ op: 'unrelay', relay });
      },
    };
  }

  /** Conference rooms and participants as last reported; ticks, time mixing, worst tick and late ticks since the start. */
  get conferenceStatus(): ConferenceMixingStatus {
    return { ...this.#conferences };
  }

  // --- conference rooms, mixed on the worker (ConferenceMixing) ---

  join(roomId: string, leg: MediaLeg): void {
    if (leg instanceof RemoteLeg) this.post({ op: 'conference-join', leg: leg.id, roomId });
  }

  hear(leg: MediaLeg, on: boolean): void {
    if (leg instanceof RemoteLeg) this.post({ op: 'conference-hear', leg: leg.id, on });
  }

  announce(leg: MediaLeg, tone: ConferenceTone): void {
    if (leg instanceof RemoteLeg) this.post({ op: 'conference-announce', leg: leg.id, tone });
  }

  leave(leg: MediaLeg): void {
    if (leg instanceof RemoteLeg) this.post({ op: 'conference-leave', leg: leg.id });
  }

  /** Ends the worker and every leg on it. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    await worker.terminate();
    this.#gone(worker);
  }

  // --- for RemoteLeg ---

  post(message: ToMediaWorker, transfer?: ArrayBuffer[]): void {
    this.#worker?.postMessage(message, transfer);
  }

  request(leg: number, method: LegCall, args: unknown[]): Promise<unknown> {
    if (!this.#worker) return Promise.reject(new Error('Leg: the media worker is gone'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.post({ op: 'call', id, leg, method, args });
    });
  }

  forget(leg: RemoteLeg): void {
    this.#legs.delete(leg.id);
  }

  // --- internals ---

  #ensureWorker(): void {
    if (this.#worker) return;
    const workerData: MediaWorkerData = { leg: this.#options.leg };
    const worker = startTypeScriptWorker(new URL('./media-worker.ts', import.meta.url), { workerData, name: 'media' });
    this.#worker = worker;
    worker.on('message', (message: FromMediaWorker) => this.#onMessage(message));
    worker.once('error', () => this.#gone(worker));
    worker.once('exit', () => this.#gone(worker));
  }

  #onMessage(message: FromMediaWorker): void {
    switch (message.op) {
      case 'reply': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(message.error));
        else pending.resolve(message.value);
        return;
      }
      case 'resources': {
        this.#status = { activeResources: message.activeResources, heapUsedBytes: message.heapUsedBytes };
        const mixed = message.conferences;
        const total = this.#conferences;
        this.#conferences = {
          rooms: mixed.rooms,
          participants: mixed.participants,
          ticks: total.ticks + mixed.ticks,
          busyMs: total.busyMs + mixed.busyMs,
          maxTickMs: Math.max(total.maxTickMs, mixed.maxTickMs),
          lateTicks: total.lateTicks + mixed.lateTicks,
        };
        return;
      }
      default:
        this.#legs.get(message.leg)?.onWorkerEvent(message);
    }
  }

  #gone(worker: Worker): void {
    // 'error' then 'exit': once is enough, and only for the worker in use.
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#status = { activeResources: {}, heapUsedBytes: 0 };
    for (const pending of this.#pending.values()) pending.reject(new Error('Leg: the media worker is gone'));
    this.#pending.clear();
    for (const leg of [...this.#legs.values()]) leg.workerGone();
  }
}
