// The real server as the benches and the load test run it: its own process, on loopback, with the
// probe of test/bench/server-probe.ts loaded into it, and what is read from it from outside (the
// probe's figures, its JSON log lines, the CPUs it may use).
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, type RunningServer } from '../support/server.ts';
import type { ThreadReport } from './server-probe.ts';

export interface ProbeReport {
  id: number;
  /** The main thread's (signaling) event loop. */
  eventLoop: ThreadReport['eventLoop'];
  /** The busiest relaying thread's hop. */
  relay: ThreadReport['relay'];
  threads: ThreadReport[];
}

export interface ProbedServerOptions {
  env: Record<string, string>;
  /** Another checkout's server (the call bench compares versions). */
  cwd?: string;
  /** A CPU profile of the server, written at its exit. */
  cpuProfileDir?: string;
  /** More node options, after the probe's. */
  nodeArgs?: string[];
}

export interface ServerLogLine {
  time: number;
  msg: string;
  [field: string]: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server with the probe loaded (MEDIA_ADDRESSES and limits come with `env`). */
export function startProbedServer(options: ProbedServerOptions): Promise<RunningServer> {
  return startServer({
    cwd: options.cwd,
    env: options.env,
    nodeArgs: [
      '--import',
      pathToFileURL(fileURLToPath(new URL('./server-probe.ts', import.meta.url))).href,
      ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
      ...(options.nodeArgs ?? []),
    ],
  });
}

/**
 * Asks the probe in the server for its figures since the last ask (SIGUSR2, one line on stdout).
 * A thread busy with a queue of work (the MP3 stream worker behind its recordings) answers late.
 */
export async function readProbe(server: RunningServer, timeoutMs = 5000): Promise<ProbeReport> {
  const probeLines = () => server.output().split('\n').filter((line) => line.startsWith('BENCH-PROBE '));
  const seen = probeLines().length;
  server.process.kill('SIGUSR2');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const lines = probeLines();
    if (lines.length > seen) return JSON.parse(lines.at(-1)!.slice('BENCH-PROBE '.length)) as ProbeReport;
    if (performance.now() > deadline) throw new Error('the server probe did not answer');
    await sleep(20);
  }
}

/**
 * Turns the probe's loop monitors off, or back on (SIGWINCH toggles them on every thread): their
 * 1 ms timers cost a few % of a core, kept out of CPU windows.
 */
export function toggleLoopMonitors(server: RunningServer): void {
  server.process.kill('SIGWINCH');
}

/** The main thread (signaling) and the thread that relayed the most (the media worker, when there is one). */
export function threadsOf(report: ProbeReport): { main: ThreadReport; media: ThreadReport } {
  const main = report.threads.find((t) => t.thread === 'main')!;
  const media = report.threads.reduce((best, t) => (t.relay.timed > best.relay.timed ? t : best), main);
  return { main, media };
}

/** The server's JSON log lines with this message. */
export function serverLog(server: RunningServer, msg: string): ServerLogLine[] {
  const lines: ServerLogLine[] = [];
  for (const line of server.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as ServerLogLine;
      if (parsed.msg === msg) lines.push(parsed);
    } catch {
      // a line cut by the pipe: the next read has it whole
    }
  }
  return lines;
}

/** Moves a process and all its threads to these CPUs (taskset); a warning if it cannot. */
export function pin(pid: number, cpus: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  } catch {
    process.stdout.write(`could not pin process ${pid} to CPU ${cpus} (no taskset?)\n`);
  }
}

/** The CPUs left to the phones when the server is pinned to CPU 0. */
export const phoneCpus = () => `1-${availableParallelism() - 1}`;

/** Other work on the machine skews the times (not the CPU counts as much): said with each figure. */
export function machineLoad(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`;
}
