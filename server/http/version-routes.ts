// Production and its history: what calls use now, and earlier versions to restore into the draft.
import { Router } from 'express';
import type { ConfigStore } from '../../data/config-store.ts';
import { adminName, expectedRevision } from './draft-routes.ts';
import { HttpError } from './errors.ts';
import { publicConfig } from './public-config.ts';

function versionNumber(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(404, `There is no version ${raw}`);
  return Number(raw);
}

export function versionRoutes(store: ConfigStore): Router {
  const router = Router();
  router.get('/production', (_request, response) => {
    const { config, ...about } = store.production;
    response.json({ ...about, config: publicConfig(config) });
  });
  router.get('/versions', async (_request, response) => {
    response.json({ production: store.production.version, versions: await store.listVersions() });
  });
  router.get('/versions/:version', async (request, response) => {
    const { config, ...about } = await store.readVersion(versionNumber(request.params.version));
    response.json({ ...about, config: publicConfig(config) });
  });
  router.post('/versions/:version/restore', async (request, response) => {
    const draft = await store.restoreVersion(versionNumber(request.params.version), adminName(response), expectedRevision(request));
    response.json({ revision: draft.revision, pendingChanges: store.pendingChanges().length });
  });
  return router;
}
