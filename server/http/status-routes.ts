// What the PBX is doing now, for admins and for the leak test: calls, legs, listeners, memory.
import { Router } from 'express';

export interface PbxStatus {
  activeCalls: number;
  openLegs: number;
  playerListeners: number;
}

export function statusRoutes(status: () => PbxStatus): Router {
  const router = Router();
  router.get('/status', (_request, response) => {
    const memory = process.memoryUsage();
    const resources: Record<string, number> = {};
    for (const resource of process.getActiveResourcesInfo()) resources[resource] = (resources[resource] ?? 0) + 1;
    response.json({
      ...status(),
      process: { uptimeSeconds: Math.round(process.uptime()), heapUsedBytes: memory.heapUsed, rssBytes: memory.rss, activeResources: resources },
    });
  });
  return router;
}
