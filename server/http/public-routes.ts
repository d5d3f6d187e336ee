// What the public caller page may know without logging in: the incoming numbers it can dial.
import { Router } from 'express';
import type { ConfigStore } from '../../data/config-store.ts';

export function publicRoutes(store: ConfigStore): Router {
  const router = Router();
  router.get('/numbers', (_request, response) => {
    response.json(store.production.config.incomingNumbers.map(({ number, label }) => ({ number, label })));
  });
  return router;
}
