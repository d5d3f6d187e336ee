import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApplyRefusedError, ConfigStore, ProductionVersion, StaleDraftError } from '../../data/config-store.ts';
import { removeEntity } from '../../data/draft-edits.ts';
import { PbxConfig } from '../../data/schema.ts';
import { sampleConfig } from './fixtures/sample-config.ts';

const freshDir = () => mkdtemp(join(tmpdir(), 'switchboard-store-'));
const toGerman = (config: PbxConfig): PbxConfig => ({ ...config, settings: { ...config.settings, language: 'de' } });

test('first start publishes the default configuration as version 1', async () => {
  const store = await ConfigStore.open(await freshDir(), sampleConfig);
  assert.is(store.production.version, 1);
  assert.equal(store.production.config, sampleConfig());
  assert.equal(store.draft.config, store.production.config);
  assert.equal(store.pendingChanges(), []);
});

test('edits change the draft only; apply publishes them and keeps the history', async () => {
  const dir = await freshDir();
  const store = await ConfigStore.open(dir, sampleConfig);
  const published: number[] = [];
  store.onProductionChanged((p) => published.push(p.version));
  await store.editDraft('alice', undefined, toGerman);
  assert.is(store.production.config.settings.language, 'en');
  assert.is(store.pendingChanges().length, 1);
  const applied = await store.apply('alice', store.draft.revision);
  assert.is(applied.version, 2);
  assert.is(store.production.config.settings.language, 'de');
  assert.is(store.production.appliedBy, 'alice');
  assert.equal(store.pendingChanges(), []);
  assert.equal(published, [2]);
  const reopened = await ConfigStore.open(dir, () => { throw new Error('must not recreate the default'); });
  assert.is(reopened.production.version, 2);
  assert.equal((await reopened.listVersions()).map((v) => v.version), [2, 1]);
});

test('apply refuses a draft with problems and production stays as it was', async () => {
  const store = await ConfigStore.open(await freshDir(), sampleConfig);
  await store.editDraft('a', undefined, (config) => ({ ...config, users: [] }));
  try {
    await store.apply('a', undefined);
    assert.unreachable('apply should have been refused');
  } catch (error) {
    assert.instance(error, ApplyRefusedError);
    const messages = (error as ApplyRefusedError).problems.map((p) => p.message);
    assert.ok(messages.some((m) => m.includes('goes to a user that no longer exists')), messages.join('\n'));
  }
  assert.is(store.production.version, 1);
  assert.is(store.production.config.users.length, 2);
});

test('a stale revision is refused (two admins at once)', async () => {
  const store = await ConfigStore.open(await freshDir(), sampleConfig);
  const seenByAdminA = store.draft.revision;
  await store.editDraft('admin-b', seenByAdminA, toGerman);
  try {
    await store.editDraft('admin-a', seenByAdminA, (config) => removeEntity(config, 'users', 'u102'));
    assert.unreachable('the stale edit should have been refused');
  } catch (error) {
    assert.instance(error, StaleDraftError);
    assert.match((error as Error).message, /changed by admin-b/);
  }
  try {
    await store.apply('admin-a', seenByAdminA);
    assert.unreachable('the stale apply should have been refused');
  } catch (error) {
    assert.instance(error, StaleDraftError);
  }
  assert.is(store.production.version, 1);
  assert.is(store.draft.config.users.length, 2, 'the refused edit wrote nothing');
});

test('restore puts an earlier version into the draft; apply brings it back', async () => {
  const store = await ConfigStore.open(await freshDir(), sampleConfig);
  await store.editDraft('a', undefined, toGerman);
  await store.apply('a', undefined);
  await store.restoreVersion(1, 'a', undefined);
  assert.is(store.production.config.settings.language, 'de', 'restoring touches the draft only');
  assert.is(store.pendingChanges().length, 1);
  const applied = await store.apply('a', undefined);
  assert.is(applied.version, 3);
  assert.is(store.production.config.settings.language, 'en');
});

test('discard brings the draft back to production', async () => {
  const store = await ConfigStore.open(await freshDir(), sampleConfig);
  await store.editDraft('a', undefined, toGerman);
  await store.discardDraft('a', undefined);
  assert.equal(store.pendingChanges(), []);
});

test('kill -9 during apply leaves the old or the new production, never a broken file', async () => {
  const child = (dir: string) => spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'apply-forever.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  for (let round = 0; round < 8; round++) {
    const dir = await freshDir();
    const process_ = child(dir);
    let lastReported = 0;
    let output = '';
    process_.stdout.on('data', (chunk) => {
      output += chunk;
      const matches = [...output.matchAll(/applied (\d+)/g)];
      lastReported = Number(matches.at(-1)?.[1] ?? 0);
    });
    // Let it publish a few versions, then kill it at a random moment.
    while (lastReported < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, Math.random() * 150));
    const exited = new Promise((r) => process_.once('exit', r));
    process_.kill('SIGKILL');
    await exited;

    const production = ProductionVersion.parse(JSON.parse(await readFile(join(dir, 'production.json'), 'utf8')));
    assert.ok(production.version >= lastReported && production.version <= lastReported + 1, `version ${production.version} after ${lastReported}`);
    assert.ok(PbxConfig.safeParse(production.config).success);
    assert.is(production.config.ivrMenus.length, production.version - 1, 'production holds one whole applied edit per version');
    const store = await ConfigStore.open(dir, () => { throw new Error('must not recreate'); });
    assert.is(store.production.version, production.version);
    const versions = (await readdir(join(dir, 'versions'))).filter((f) => f.endsWith('.json'));
    assert.is(versions.length, production.version, 'no unpublished version is left behind');
    await store.editDraft('after-crash', undefined, (config) => config);
    assert.is((await store.apply('after-crash', undefined)).version, production.version + 1);
  }
});

test('a write a kill cut short leaves a temporary file: the next open removes it', async () => {
  const dir = await freshDir();
  await ConfigStore.open(dir, sampleConfig);
  // What lowdb leaves when killed between writing its temporary file and renaming it into place.
  await writeFile(join(dir, '.production.json.tmp'), '{"version": 2, "config": {"us');
  await writeFile(join(dir, '.draft.json.tmp'), '');
  const store = await ConfigStore.open(dir, () => { throw new Error('must not recreate'); });
  assert.is(store.production.version, 1);
  assert.equal((await readdir(dir)).filter((name) => name.endsWith('.tmp')), []);
});

test.run();
