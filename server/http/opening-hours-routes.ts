// Which branch each schedule of the draft's opening hours takes now, for the portal's "Now: open".
// "Now" is the PBX's clock (injected), in the draft's time zone.
import { Router } from 'express';
import { openingStateAt, wallClock } from '../../data/opening-hours.ts';
import type { PbxConfig } from '../../data/schema.ts';
import type { Clock } from '../calls/ports.ts';

export function openingHoursRoutes(draft: () => PbxConfig, clock: Clock): Router {
  const router = Router();
  router.get('/opening-hours/now', (_request, response) => {
    const config = draft();
    const at = clock.now();
    const { timeZone } = config.settings;
    response.json({
      at: at.toISOString(),
      timeZone,
      local: wallClock(at, timeZone),
      openingHours: config.openingHours.map((hours) => ({ id: hours.id, ...openingStateAt(hours, timeZone, at) })),
    });
  });
  return router;
}
