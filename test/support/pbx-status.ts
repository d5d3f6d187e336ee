// What GET /api/status says of a test server (calls, legs, player listeners, handles, heap), and
// waiting for it to settle after calls: the leak test and the load test read it the same way.
import * as assert from 'uvu/assert';
import type { ApiClient } from './api-client.ts';
import { COLLECT_GARBAGE_SIGNAL } from './collect-garbage-on-signal.ts';
import type { RunningServer } from './server.ts';

export interface PbxStatus {
  activeCalls: number;
  openLegs: number;
  playerListeners: number;
  process: { heapUsedBytes: number; rssBytes: number; activeResources: Record<string, number> };
}

export async function readStatus(admin: ApiClient): Promise<PbxStatus> {
  const response = await admin.get<PbxStatus>('/api/status');
  assert.is(response.status, 200, 'GET /api/status');
  return response.body;
}

export const udpSockets = (s: PbxStatus) => s.process.activeResources.UDPWrap ?? s.process.activeResources.UDPWRAP ?? 0;
export const timers = (s: PbxStatus) => s.process.activeResources.Timeout ?? 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (up to `timeoutMs`) until no call, leg or player listener is left and the UDP sockets and
 * timers are down to `limits`, then reads the status after a full collection on every thread (the
 * server runs with --expose-gc and collect-garbage-on-signal.ts): the live heap. `activeCalls` is
 * the count seen before the collection.
 */
export async function settledStatus(
  server: RunningServer,
  admin: ApiClient,
  limits?: { udpSockets: number; timers: number },
  timeoutMs = 10_000,
): Promise<PbxStatus> {
  const deadline = performance.now() + timeoutMs;
  const busy = (s: PbxStatus) =>
    s.activeCalls > 0 || s.openLegs > 0 || s.playerListeners > 0 || (limits !== undefined && (udpSockets(s) > limits.udpSockets || timers(s) > limits.timers));
  let current = await readStatus(admin);
  while (busy(current) && performance.now() < deadline) {
    await sleep(100);
    current = await readStatus(admin);
  }
  server.process.kill(COLLECT_GARBAGE_SIGNAL);
  // The media worker reports its heap every 0.5 s.
  await sleep(1500);
  return { ...(await readStatus(admin)), activeCalls: current.activeCalls };
}
