// The portal's editing API: everything here changes the draft only; calls see it after Apply changes.
import { Router, type Request, type Response } from 'express';
import type { ConfigStore, Draft } from '../../data/config-store.ts';
import { removeEntity, syncUserVoicemailBox, upsertEntity } from '../../data/draft-edits.ts';
import { COLLECTIONS, Settings, type CollectionName, type PbxConfig } from '../../data/schema.ts';
import { COLLECTION_INPUTS, newId } from './draft-inputs.ts';
import { HttpError } from './errors.ts';
import { publicConfig, publicEntity } from './public-config.ts';
import { identityOf } from './session-routes.ts';

/** The revision the caller's view was based on, from `If-Match: 12` or `If-Match: "12"`. */
export function expectedRevision(request: Request): number | undefined {
  const header = request.get('if-match');
  if (header === undefined || header === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d+$/.test(value)) throw new HttpError(400, 'If-Match must be a draft revision number');
  return Number(value);
}

export function adminName(response: Response): string {
  const identity = identityOf(response);
  return identity?.kind === 'admin' ? identity.name : 'unknown';
}

const SettingsChange = Settings.partial().strict();

export function draftRoutes(store: ConfigStore): Router {
  const router = Router();
  const summary = (draft: Draft) => ({ revision: draft.revision, pendingChanges: store.pendingChanges().length });

  router.get('/', (_request, response) => {
    const draft = store.draft;
    response.json({ ...summary(draft), baseVersion: draft.baseVersion, updatedAt: draft.updatedAt, updatedBy: draft.updatedBy, config: publicConfig(draft.config) });
  });

  router.get('/changes', (_request, response) => {
    response.json({ revision: store.draft.revision, changes: store.pendingChanges() });
  });

  router.put('/settings', async (request, response) => {
    // A field left out keeps its value (a client that predates a setting does not reset it);
    // a field the PBX does not know, or a body that changes nothing, is a mistake worth saying.
    const body: unknown = request.body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) {
      throw new HttpError(400, `Name at least one setting: ${Object.keys(Settings.shape).join(', ')}`);
    }
    const change = SettingsChange.parse(body);
    const settings = Settings.parse({ ...store.draft.config.settings, ...change });
    const draft = await store.editDraft(adminName(response), expectedRevision(request), (config) => ({ ...config, settings }));
    response.json({ ...summary(draft), settings: draft.config.settings });
  });

  router.post('/apply', async (request, response) => {
    const applied = await store.apply(adminName(response), expectedRevision(request));
    response.json({ version: applied.version, appliedAt: applied.appliedAt, appliedBy: applied.appliedBy });
  });

  router.post('/discard', async (request, response) => {
    const draft = await store.discardDraft(adminName(response), expectedRevision(request));
    response.json(summary(draft));
  });

  for (const collection of COLLECTIONS) router.use(`/${COLLECTION_INPUTS[collection].path}`, collectionRoutes(store, collection, summary));
  return router;
}

function collectionRoutes<C extends CollectionName>(store: ConfigStore, collection: C, summary: (draft: Draft) => object): Router {
  const router = Router();
  const input = COLLECTION_INPUTS[collection];
  const find = (config: PbxConfig, id: string) => (config[collection] as { id: string }[]).find((e) => e.id === id);
  const notFound = (id: string) => new HttpError(404, `No ${input.path.replace(/s$/, '').replace(/-/g, ' ')} with id ${id}`);

  /** Builds the entity (hashing a password may take a while) then writes it in one draft edit. */
  const save = async (request: Request, response: Response, id: string, existing: boolean) => {
    const revision = expectedRevision(request);
    const before = store.draft.config;
    const current = find(before, id);
    if (existing && !current) throw notFound(id);
    const entity = await input.toEntity(request.body, id, current as never, before);
    const draft = await store.editDraft(adminName(response), revision, (config) => {
      if (existing && !find(config, id)) throw notFound(id);
      let next = upsertEntity(config, collection, entity);
      if (collection === 'users') next = syncUserVoicemailBox(next, id, () => newId('vm'));
      return next;
    });
    response.status(existing ? 200 : 201).json({ ...summary(draft), entity: publicEntity(find(draft.config, id)!) });
  };

  router.get('/', (_request, response) => {
    response.json((store.draft.config[collection] as object[]).map(publicEntity));
  });
  router.get('/:id', (request, response) => {
    const entity = find(store.draft.config, request.params.id);
    if (!entity) throw notFound(request.params.id);
    response.json(publicEntity(entity));
  });
  router.post('/', (request, response) => save(request, response, newId(input.idPrefix), false));
  router.put('/:id', (request, response) => save(request, response, request.params.id, true));
  router.delete('/:id', async (request, response) => {
    const { id } = request.params;
    const draft = await store.editDraft(adminName(response), expectedRevision(request), (config) => {
      if (!find(config, id)) throw notFound(id);
      return removeEntity(config, collection, id);
    });
    response.json(summary(draft));
  });
  return router;
}
