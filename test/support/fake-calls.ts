// Fakes of the call engine's ports: legs that remember what they were told to play, phones that
// remember what they were sent, a history kept in memory.
import type { CallLeg, CallRecord, LegSource, MediaPlane, PhoneEndpoint, PromptName } from '../../server/calls/ports.ts';
import type { CallUpdate, IncomingCall } from '../../server/signaling/protocol.ts';

export class FakeLeg implements CallLeg {
  closed = false;
  /** Everything the leg was made to hear, in order ("ringback", "prompt:busy", "party:leg-2", ...). */
  heard: string[] = [];
  #digitListeners = new Set<(digit: string) => void>();
  #lostListeners = new Set<(reason: string) => void>();

  constructor(readonly id: string) {}

  get hearing(): string | undefined {
    return this.heard.at(-1);
  }

  hear(source: LegSource): void {
    this.heard.push(source.type === 'party' ? `party:${source.leg.id}` : source.type);
  }

  async play(prompt: PromptName): Promise<void> {
    this.heard.push(`prompt:${prompt}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.heard.push('silence');
  }

  onDigit(listener: (digit: string) => void): () => void {
    this.#digitListeners.add(listener);
    return () => this.#digitListeners.delete(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  sentDigits = '';

  sendDigits(digits: string): void {
    this.sentDigits += digits;
  }

  pressDigit(digit: string): void {
    for (const listener of this.#digitListeners) listener(digit);
  }

  loseConnection(): void {
    for (const listener of this.#lostListeners) listener('media-timeout');
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeMediaPlane implements MediaPlane {
  legs: FakeLeg[] = [];

  async answer(offer: string): Promise<{ leg: FakeLeg; answer: string }> {
    const leg = new FakeLeg(`leg-${this.legs.length + 1}`);
    this.legs.push(leg);
    return { leg, answer: `answer-to:${offer}` };
  }
}

let nextPhone = 1;

export class FakePhone implements PhoneEndpoint {
  readonly id = `phone-${nextPhone++}`;
  incomingCalls: IncomingCall[] = [];
  updates: CallUpdate[] = [];
  historyChanges = 0;

  constructor(
    readonly userId: string | null,
    readonly extension: string | null,
    readonly address = '127.0.0.1',
  ) {}

  incoming(call: IncomingCall): void {
    this.incomingCalls.push(call);
  }

  update(update: CallUpdate): void {
    this.updates.push(update);
  }

  historyChanged(): void {
    this.historyChanges++;
  }

  lastUpdate(): CallUpdate | undefined {
    return this.updates.at(-1);
  }
}

export class MemoryHistory {
  records: CallRecord[] = [];
  async record(call: CallRecord): Promise<void> {
    this.records.push(call);
  }
}
