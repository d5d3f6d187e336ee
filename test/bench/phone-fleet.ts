// The headless phones of test/bench/phones.ts in child processes, as the call bench, the voicemail
// bench and the load test drive them: each call slot (a public caller and the user it rings) lives
// in one process, slot % processes, and every command goes to the process of its slot or to all.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../support/api-client.ts';
import { addIncomingNumber, addUsers } from '../support/pbx-users.ts';
import { pin } from './bench-server.ts';
import type { BenchCommand, CallSlot, DialResult, MessageLeft, PhoneCounters } from './phones.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One child process of phones, answering each request over IPC. */
export class PhoneProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: any) => void>();
  readonly #exited: Promise<void>;
  #nextId = 1;

  /** `nice`: run the process (every thread of it) at this nice value, through nice(1). */
  constructor(options: { nice?: number } = {}) {
    const entry = fileURLToPath(new URL('./phones.ts', import.meta.url));
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    this.#child =
      options.nice === undefined
        ? fork(entry, [], { execArgv: ['--import', 'tsx'], stdio })
        : fork(entry, [], { execPath: 'nice', execArgv: ['-n', String(options.nice), process.execPath, '--import', 'tsx'], stdio });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.on('message', (reply: { id: number }) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  request<T>(request: BenchCommand): Promise<T & { error?: string }> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#child.send({ ...request, id });
    });
  }

  /** Waits a moment for it to exit by itself (a CPU profile is written at exit), then kills it. */
  async stop(): Promise<void> {
    await Promise.race([this.#exited, sleep(5000)]);
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

export class PhoneFleet {
  readonly processes: PhoneProcess[];

  /**
   * `cpus`: pin every phone process to these CPUs (taskset). `nice`: run them at this nice value,
   * so that on a shared machine the server under test is served first, as if the phones were elsewhere.
   */
  constructor(count: number, options: { cpus?: string; nice?: number } = {}) {
    this.processes = Array.from({ length: count }, () => new PhoneProcess({ nice: options.nice }));
    if (options.cpus) for (const phones of this.processes) pin(phones.pid, options.cpus);
  }

  /** The process that holds a slot's phones. */
  of(slot: number): PhoneProcess {
    return this.processes[slot % this.processes.length]!;
  }

  /** Signs in the callees and connects the callers of every slot, each in its process. */
  async connect(baseUrl: string, slots: CallSlot[]): Promise<void> {
    const replies = await Promise.all(
      this.processes.map((phones, p) => phones.request({ command: 'connect', baseUrl, slots: slots.filter((s) => s.slot % this.processes.length === p) })),
    );
    const failed = replies.find((reply) => reply.error);
    if (failed) throw new Error(`phones: connect: ${failed.error}`);
  }

  dial(slot: number): Promise<DialResult> {
    return this.of(slot).request<DialResult>({ command: 'dial', slot });
  }

  async hangup(slot: number): Promise<void> {
    await this.of(slot).request({ command: 'hangup', slot });
  }

  /** Every process: counters and CPU from now on. */
  async reset(): Promise<void> {
    await this.#all({ command: 'reset' });
  }

  /** Every process's counters since the last reset. */
  read(): Promise<PhoneCounters[]> {
    return Promise.all(this.processes.map((phones) => phones.request<PhoneCounters>({ command: 'read' })));
  }

  /** Every caller hangs up; the messages left by callers without a callee, as they timed them. */
  async hangupAll(): Promise<MessageLeft[]> {
    const replies = await Promise.all(this.processes.map((phones) => phones.request<{ messages: MessageLeft[] }>({ command: 'hangup-all' })));
    return replies.flatMap((reply) => reply.messages);
  }

  /** The callee of a slot puts the call on hold. */
  async hold(slot: number): Promise<void> {
    const reply = await this.of(slot).request({ command: 'hold', slot });
    if (reply.error) throw new Error(`phones: hold ${slot}: ${reply.error}`);
  }

  /** Closes every phone, then waits for each process to exit. */
  async close(): Promise<void> {
    await this.#all({ command: 'close' });
    await this.stop();
  }

  /** Ends the processes (a moment to exit by themselves, then SIGKILL). */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((phones) => phones.stop()));
  }

  async #all(request: BenchCommand): Promise<void> {
    await Promise.all(this.processes.map((phones) => phones.request(request)));
  }
}

/**
 * `count` users and an incoming number ringing each (+339 and 7 digits), added to the draft (not
 * applied): the slots of calls between a public caller and a signed-in user.
 */
export async function addCallSlots(admin: ApiClient, count: number, first = 0): Promise<CallSlot[]> {
  const users = await addUsers(
    admin,
    Array.from({ length: count }, (_, i) => ({ extension: String(5000 + first + i), password: `bench-${5000 + first + i}`, name: `Bench ${first + i}` })),
  );
  const slots: CallSlot[] = [];
  for (const [i, user] of users.entries()) {
    const number = `+339${String(first + i).padStart(7, '0')}`;
    await addIncomingNumber(admin, number, user.id);
    slots.push({ slot: first + i, number, callee: { extension: user.extension, password: user.password } });
  }
  return slots;
}
