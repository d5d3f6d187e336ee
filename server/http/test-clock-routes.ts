// Only with TEST_CLOCK=1 (never in production): lets browser tests set the PBX's clock, so opening
// hours can be tested at any hour without sleeping. Admin session required, like every admin route.
import { Router } from 'express';
import { z } from 'zod';
import type { SettableClock } from '../clock.ts';

const ClockInput = z.object({ at: z.iso.datetime({ offset: true }).nullable() });

export function testClockRoutes(clock: SettableClock): Router {
  const router = Router();
  router.get('/test/clock', (_request, response) => {
    response.json({ now: clock.now().toISOString(), set: clock.isSet });
  });
  router.put('/test/clock', (request, response) => {
    const { at } = ClockInput.parse(request.body);
    clock.set(at === null ? null : new Date(at));
    response.json({ now: clock.now().toISOString(), set: clock.isSet });
  });
  return router;
}
