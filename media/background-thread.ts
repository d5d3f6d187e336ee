// Worker threads that do background work (the MP3 of each recording, decoding an upload, rendering
// a mix) run at a lower priority than the threads that carry calls: when the machine is short of
// CPU, the signaling loop and the media worker's 20 ms clock are served first and the background
// work waits, rather than every call stalling behind LAME. Linux gives each thread its own nice
// value, set through setpriority(2) with the thread's kernel id.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of background threads: a weight of about a tenth of a call thread's (CFS). */
export const BACKGROUND_NICE = 10;

/** The kernel's id of the calling thread (Linux), for /proc/<pid>/task/<tid>; undefined elsewhere. */
export function kernelThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers the calling thread's priority to BACKGROUND_NICE. Returns false where threads have no
 * priority of their own (not Linux), and the thread then runs as before.
 */
export function runAsBackgroundThread(): boolean {
  const tid = kernelThreadId();
  if (tid === undefined) return false;
  try {
    setPriority(tid, BACKGROUND_NICE);
    return true;
  } catch {
    return false;
  }
}
