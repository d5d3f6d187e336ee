// What the PBX is doing now, for admins and for the leak test: calls, legs, listeners, memory.
import { Router } from 'express';

export interface PbxStatus {
  activeCalls: number;
  openLegs: number;
  playerListeners: number;
  /** The music on hold's stored file (null: built-in), and the waiting loops rendered so far / being rendered. */
  music?: { holdMusicFileId: string | null; waitingLoopsRendered: number; waitingLoopsPending: number };
  /** The media worker thread's own handles and heap (its legs' sockets live there); counted in `process`. */
  mediaWorker?: { activeResources: Readonly<Record<string, number>>; heapUsedBytes: number };
  /** Conference rooms and participants now; the mixing clock's ticks, time spent, worst tick and late ticks since the start. */
  conferences?: { rooms: number; participants: number; ticks: number; busyMs: number; maxTickMs: number; lateTicks: number };
}

export function statusRoutes(status: () => PbxStatus): Router {
  const router = Router();
  router.get('/status', (_request, response) => {
    const memory = process.memoryUsage();
    const { mediaWorker, ...pbx } = status();
    const resources: Record<string, number> = {};
    for (const resource of process.getActiveResourcesInfo()) resources[resource] = (resources[resource] ?? 0) + 1;
    for (const [resource, count] of Object.entries(mediaWorker?.activeResources ?? {})) resources[resource] = (resources[resource] ?? 0) + count;
    const heapUsedBytes = memory.heapUsed + (mediaWorker?.heapUsedBytes ?? 0);
    response.json({
      ...pbx,
      process: { uptimeSeconds: Math.round(process.uptime()), heapUsedBytes, rssBytes: memory.rss, activeResources: resources },
    });
  });
  return router;
}
