// One scenario, in about its real audio time: its users sign in as headless softphones and answer
// (or not) as told, its caller dials the incoming number through the public caller namespace and
// does what the script says, the call's trace is followed as it grows; then every expectation is
// checked against the trace, what the caller received, the stored messages and the e-mails.
import { dirname } from 'node:path';
import { OpusDecoder } from '../media/codec/opus.ts';
import { toDbfs } from '../media/dsp/loudness.ts';
import type { CallTrace } from '../server/calls/call-trace.ts';
import type { CallId } from '../server/signaling/protocol.ts';
import { HeadlessPhone } from '../test/support/headless-phone.ts';
import { checkExpectation, checkReferences, DESTINATIONS, findUser, heardIn, summarizeTrace, type CheckResult } from './expectations.ts';
import { withRetry } from './admin-api.ts';
import type { FlowPbx } from './pbx.ts';
import type { Action, LoadedScenario, WaitTarget } from './scenario.ts';
import type { Voices } from './voice.ts';

export interface ScenarioResult {
  file: string;
  name: string;
  passed: boolean;
  durationMs: number;
  /** One per expectation, plus the script's own failures (a wait that timed out). */
  checks: CheckResult[];
  /** The scenario could not run (a reference, a login, the dial refused). */
  error?: string;
  callId?: string;
  /** The call in one line, for the report and JUnit's system-out. */
  summary?: string;
}

const TRACE_POLL_MS = 150;
/** How long `wait_for` waits unless the action says `timeout`. */
const DEFAULT_WAIT_FOR_MS = 30_000;
/** Slack before a prompt's start when measuring what the caller received (the two clocks differ a little). */
const LEVEL_SLACK_BEFORE_MS = 300;
/**
 * Slack after its end: packets are timed when this process gets to them, which on a busy machine
 * (this process carries every phone) can be well after they arrived; never before.
 */
const LEVEL_SLACK_AFTER_MS = 1500;

class ScenarioAborted extends Error {}

export async function runScenario(loaded: LoadedScenario, pbx: FlowPbx, voices: Voices): Promise<ScenarioResult> {
  const { scenario, file } = loaded;
  const started = performance.now();
  const result: ScenarioResult = { file, name: scenario.name, passed: false, durationMs: 0, checks: [] };
  const phones: HeadlessPhone[] = [];
  const failures: CheckResult[] = [];
  let clockSet = false;
  try {
    for (const expectation of scenario.expect) checkReferences(expectation, pbx.config);
    for (const actor of scenario.users) findUser(pbx.config, actor.user);
    if (!pbx.config.incomingNumbers.some((n) => n.number === scenario.dial)) {
      throw new Error(`${scenario.dial} is not an incoming number of this PBX (${pbx.config.incomingNumbers.map((n) => n.number).join(', ') || 'none'})`);
    }

    const sayings = await prepareSayings(loaded, voices);

    const silence = voices.silence();
    const deadline = started + scenario.timeout;
    let trace: CallTrace | null = null;
    let callId: CallId | undefined;
    const traceWaiters = new Set<() => void>();

    // Users sign in first: the call may ring them at once.
    for (const actor of scenario.users) {
      const password = actor.password ?? pbx.passwordOf(actor.user);
      if (!password) throw new Error(`no password for user ${actor.user}: give it with --password ${actor.user}=… or in the scenario (password:)`);
      const phone = await withRetry(() => HeadlessPhone.connect({ baseUrl: pbx.url, login: { extension: actor.user, password }, frames: silence })).catch((error: unknown) => {
        throw new Error(`user ${actor.user} could not sign in: ${error instanceof Error ? error.message : String(error)}`);
      });
      phones.push(phone);
      phone.socket.on('incoming', (call) => {
        const { answer } = actor;
        if (answer.type === 'reject') {
          phone.reject(call.callId);
        } else if (answer.type === 'after') {
          setTimeout(() => {
            phone
              .answer(call.callId)
              .then(() => runScript(actor.then, phone, `user ${actor.user}`))
              .catch(() => {
                // The call moved on (the caller hung up, the ring ended): nothing to answer.
              });
          }, answer.ms);
        }
      });
    }

    if (scenario.clock) {
      await pbx.admin.setClock(scenario.clock);
      clockSet = true;
    }
    const received: { at: number; payload: Buffer }[] = [];
    const caller = await HeadlessPhone.connect({ baseUrl: pbx.url, frames: silence, onReceive: (payload) => received.push({ at: performance.now(), payload: Buffer.from(payload) }) });
    phones.push(caller);
    const dialledAt = performance.now();
    try {
      callId = await caller.dial(scenario.dial);
    } catch (error) {
      throw new Error(`the PBX refused the call to ${scenario.dial}: ${error instanceof Error ? error.message : String(error)}`);
    }
    result.callId = callId;

    // The trace, followed while the call lasts.
    let following = true;
    const follow = (async () => {
      while (following) {
        const latest = await pbx.admin.trace(callId!).catch(() => null);
        if (latest) trace = latest;
        for (const wake of [...traceWaiters]) wake();
        if (trace?.endedAt) return;
        await sleep(TRACE_POLL_MS);
      }
    })();
    const callEnded = () => caller.state(callId) === 'ended' || Boolean(trace?.endedAt);

    const waitForTrace = (what: string, predicate: (trace: CallTrace) => boolean, timeoutMs: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (trace && predicate(trace)) finish(resolve);
          else if (trace?.endedAt) finish(() => reject(new ScenarioAborted(`waited for ${what}, but the call ended first: ${summarizeTrace(trace!, pbx.config)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new ScenarioAborted(`waited ${(timeoutMs / 1000).toFixed(0)} s for ${what}; it did not come${trace ? `: ${summarizeTrace(trace, pbx.config)}` : ''}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          traceWaiters.delete(check);
          then();
        };
        traceWaiters.add(check);
        check();
      });

    const waitTarget = (target: WaitTarget): [string, (trace: CallTrace) => boolean] => {
      switch (target.kind) {
        case 'answered':
          return ['someone to answer', (t) => t.events.some((e) => e.type === 'answered')];
        case 'beep':
          return ['the beep', (t) => heardIn(t, pbx.config, { type: 'beep' }) !== undefined];
        case 'heard':
          return [`the end of ${JSON.stringify(target.value)}`, (t) => heardIn(t, pbx.config, target.value) !== undefined];
        case 'reached': {
          const destination = DESTINATIONS[target.value.kind];
          const { id, label } = destination.resolve(pbx.config, target.value.value);
          return [label, (t) => destination.reachedBy(t, id) !== undefined];
        }
        case 'ringing': {
          const user = findUser(pbx.config, target.value);
          return [`${user.extension} to ring`, (t) => t.events.some((e) => e.type === 'ringing' && e.userId === user.id)];
        }
      }
    };

    /** Runs a caller's or user's actions; stops quietly when the call ends, records a failed wait. */
    async function runScript(actions: Action[], phone: HeadlessPhone, who: string): Promise<void> {
      for (const [index, action] of actions.entries()) {
        if (callEnded() || !phone.callId) return;
        try {
          switch (action.kind) {
            case 'wait':
              await sleep(Math.min(action.value, Math.max(0, deadline - performance.now())));
              break;
            case 'wait_for': {
              const [what, predicate] = waitTarget(action.value);
              await waitForTrace(what, predicate, Math.min(action.timeout ?? DEFAULT_WAIT_FOR_MS, Math.max(0, deadline - performance.now())));
              break;
            }
            case 'say':
              await phone.sayOnce(sayings.get(action)!);
              break;
            case 'press':
              if (action.tones) await phone.sayOnce(sayings.get(action)!);
              else await phone.pressKeys(action.value, { gapMs: action.gap });
              break;
            case 'hangup':
              phone.hangup();
              return;
          }
        } catch (error) {
          if (!(error instanceof ScenarioAborted) && callEnded()) return;
          failures.push({ expectation: `${who}, step ${index + 1} (${action.kind})`, passed: false, detail: error instanceof Error ? error.message : String(error) });
          return;
        }
      }
    }

    await runScript(scenario.caller, caller, 'caller');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (callEnded() || performance.now() > deadline) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(check, 50);
      check();
    });
    if (!callEnded()) {
      failures.push({ expectation: `the call ends within the scenario's ${(scenario.timeout / 1000).toFixed(0)} s`, passed: false, detail: 'it was still going: the caller hung up' });
      caller.hangup();
    }
    const endedMs = performance.now() - dialledAt;
    // The trace's last events (the end, the message saved) come just after the hang-up.
    const finalDeadline = performance.now() + 5000;
    while (!(trace as CallTrace | null)?.endedAt && performance.now() < finalDeadline) await sleep(TRACE_POLL_MS);
    following = false;
    await follow;
    const finalTrace = (await pbx.admin.trace(callId)) ?? trace;
    if (!finalTrace) throw new Error(`the PBX has no trace of call ${callId}`);
    result.summary = summarizeTrace(finalTrace, pbx.config);

    const evidence = {
      trace: finalTrace,
      config: pbx.config,
      admin: pbx.admin,
      mails: pbx.mails,
      endedMs,
      receivedLevel: (fromMs: number, toMs: number) => loudestFrame(received, dialledAt + fromMs - LEVEL_SLACK_BEFORE_MS, dialledAt + toMs + LEVEL_SLACK_AFTER_MS),
    };
    const checks = await Promise.all(scenario.expect.map((expectation) => checkExpectation(expectation, evidence)));
    result.checks = [...failures, ...checks];
    result.passed = result.checks.every((check) => check.passed);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    result.checks = failures;
  } finally {
    await Promise.all(phones.map((phone) => phone.close().catch(() => {})));
    if (clockSet) await pbx.admin.setClock(null).catch(() => {});
    result.durationMs = performance.now() - started;
  }
  return result;
}

/**
 * Every sound a scenario's phones will send, made before any call: synthesizing speech blocks
 * this process, and other scenarios' phones share it (their media would stall meanwhile).
 */
export async function prepareSayings(loaded: LoadedScenario, voices: Voices): Promise<Map<Action, Uint8Array[]>> {
  const sayings = new Map<Action, Uint8Array[]>();
  const baseDir = dirname(loaded.file);
  const { scenario } = loaded;
  for (const action of [...scenario.caller, ...scenario.users.flatMap((actor) => actor.then)]) {
    if (action.kind === 'say') sayings.set(action, await voices.frames(action.value, baseDir));
    if (action.kind === 'press' && action.tones) sayings.set(action, voices.tones(action.value, action.gap ?? 100));
  }
  return sayings;
}

/** The loudest 20 ms frame received between two moments (performance.now()), in dBFS; null if none arrived. */
function loudestFrame(received: { at: number; payload: Buffer }[], from: number, to: number): number | null {
  const frames = received.filter((packet) => packet.at >= from && packet.at <= to);
  if (frames.length === 0) return null;
  const decoder = new OpusDecoder();
  try {
    let loudest = 0;
    for (const frame of frames) {
      const pcm = decoder.decode(frame.payload);
      let sum = 0;
      for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
      loudest = Math.max(loudest, Math.sqrt(sum / Math.max(1, pcm.length)));
    }
    return toDbfs(loudest);
  } finally {
    decoder.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
