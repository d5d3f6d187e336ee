// A process seen from outside through /proc: its CPU time (every thread) and its resident memory.
import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds in user space and in the kernel (every thread) of a process so far; of one thread with `tid`. */
export async function processCpuSeconds(pid: number, tid?: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5), counted here from the state field (3).
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
}

/** CPU seconds (user + kernel) of each thread of a process so far, by thread id. */
export async function threadCpuSeconds(pid: number): Promise<Map<number, number>> {
  const seconds = new Map<number, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // the thread ended meanwhile
    }
  }
  return seconds;
}

/** The thread that used the most CPU between two reads, and how much (seconds). */
export function busiestThread(before: Map<number, number>, after: Map<number, number>): { tid: number; seconds: number } {
  let busiest = { tid: 0, seconds: 0 };
  for (const [tid, total] of after) {
    const used = total - (before.get(tid) ?? 0);
    if (used > busiest.seconds) busiest = { tid, seconds: used };
  }
  return busiest;
}

export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
