// The softphone's own API: its user's call history and missed-call badge.
import { Router, type Response } from 'express';
import type { CallHistory } from '../../data/call-history.ts';
import { HttpError } from './errors.ts';
import { identityOf } from './session-routes.ts';

function userIdOf(response: Response): string {
  const identity = identityOf(response);
  if (!identity) throw new HttpError(401, 'Log in first');
  if (identity.kind !== 'user') throw new HttpError(403, 'Softphone users only');
  return identity.userId;
}

export function phoneRoutes(history: CallHistory): Router {
  const router = Router();
  router.get('/history', (_request, response) => {
    response.json(history.forUser(userIdOf(response)));
  });
  router.post('/history/seen', async (_request, response) => {
    await history.markMissedSeen(userIdOf(response));
    response.json({ unseenMissed: 0 });
  });
  return router;
}
