// Runs scenarios against one PBX, several at once: scenarios that involve the same users (their
// phones would ring for each other's calls, or be busy) run one after the other, the rest in
// parallel up to the limit. Results keep the order of the files.
import type { PbxConfig } from '../data/schema.ts';
import { planDestination } from '../server/calls/flow.ts';
import { findUser } from './expectations.ts';
import type { FlowPbx } from './pbx.ts';
import { prepareSayings, runScenario, type ScenarioResult } from './run-scenario.ts';
import type { LoadedScenario } from './scenario.ts';
import { Voices } from './voice.ts';

export interface RunOptions {
  /** Scenarios running at once, at most. */
  parallel: number;
  /** Told each result as it comes (the report prints progress). */
  onResult?: (result: ScenarioResult) => void;
}

export async function runScenarios(scenarios: LoadedScenario[], pbx: FlowPbx, options: RunOptions): Promise<ScenarioResult[]> {
  const voices = new Voices(() => pbx.config.settings.language);
  const results: ScenarioResult[] = new Array(scenarios.length);
  const users = scenarios.map((loaded) => usersInvolved(loaded, pbx.config));
  const limit = Math.max(1, Math.min(options.parallel, pbx.publicCallsPerAddress));
  // Speech is synthesized before any call (it blocks this process, which carries every phone).
  for (const loaded of scenarios) await prepareSayings(loaded, voices).catch(() => {}); // a bad file is reported by its scenario
  const waiting = scenarios.map((_, index) => index);
  const running = new Map<number, Promise<void>>();

  while (waiting.length > 0 || running.size > 0) {
    const busy = new Set([...running.keys()].flatMap((index) => [...users[index]!]));
    // The PBX has one clock: a scenario that sets it runs alone.
    const alone = (index: number) => scenarios[index]!.scenario.clock !== undefined;
    const startable = (index: number) =>
      running.size === 0 || (!alone(index) && ![...running.keys()].some(alone) && ![...users[index]!].some((user) => busy.has(user)));
    const next = running.size < limit ? waiting.findIndex(startable) : -1;
    if (next >= 0) {
      const index = waiting.splice(next, 1)[0]!;
      running.set(
        index,
        runScenario(scenarios[index]!, pbx, voices).then((result) => {
          results[index] = result;
          running.delete(index);
          options.onResult?.(result);
        }),
      );
      continue;
    }
    await Promise.race(running.values());
  }
  return results;
}

/**
 * The users a scenario's call may ring or sign in as: its own users, and whoever the dialled
 * number's destination rings, forwarding chains included (every userId in the planned steps).
 */
export function usersInvolved(loaded: LoadedScenario, config: PbxConfig): Set<string> {
  const involved = new Set<string>();
  for (const actor of loaded.scenario.users) {
    try {
      involved.add(findUser(config, actor.user).id);
    } catch {
      // reported when the scenario runs
    }
  }
  const number = config.incomingNumbers.find((n) => n.number === loaded.scenario.dial);
  if (number) collectUserIds(planDestination(config, number.destination), involved);
  return involved;
}

function collectUserIds(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectUserIds(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'userId' && typeof item === 'string') into.add(item);
      else collectUserIds(item, into);
    }
  }
}
