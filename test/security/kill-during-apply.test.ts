// kill -9 at random moments of Apply changes, on the real server, with admins working the way the
// portal does: drafts of different sizes (users, incoming numbers, IVR menus, uploaded music on
// hold, audio messages with uploaded audio) edited through the draft routes, then POST apply. Some
// applies are answered; others are cut by a kill at a seeded random moment: a delay after the
// request, or the instant the apply starts writing the version file, production.json or the draft
// (watched with inotify), so kills land before, inside and after the commit point.
// After every restart: production is exactly the last answered version or the one being applied
// (never a mix, never a broken file), the history has no gap and nothing unpublished, the draft is
// what the last answered edit left, every audio file either of them refers to is there, and a call
// to the test line reaches the user that the production in force names.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProductionVersion } from '../../data/config-store.ts';
import { ApiClient } from '../support/api-client.ts';
import { tone, wavFile } from '../support/audio-files.ts';
import { HeadlessPhone } from '../support/headless-phone.ts';
import { setUpUsers } from '../support/phone-pages.ts';
import { Dice, testSeed } from '../support/seeded-random.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const KILLS = 4;
/** The incoming number every draft points at another user, so a call tells which version is in force. */
const TEST_LINE = '+33100000999';

type Config = Record<string, any>;
interface Published {
  version: number;
  config: Config;
}
/** Where a kill lands: a delay after the apply request, or the moment a file of the apply starts being written. */
type KillMoment = { after: 'request'; ms: number } | { after: 'writing'; file: 'version' | 'production' | 'draft'; ms: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class AdminAtWork {
  readonly passwords = new Map<string, string>([
    ['101', 'alice-secret'],
    ['102', 'bob-secret'],
  ]);
  /** What the last answered edit left in the draft, and the last answered apply. */
  draft!: { revision: number; config: Config };
  production!: Published;
  readonly applyMs: number[] = [];
  #admin!: ApiClient;
  #counter = 0;

  constructor(
    private readonly dice: Dice,
    public server: RunningServer,
  ) {}

  async signIn(): Promise<void> {
    this.#admin = new ApiClient(this.server.url);
    const login = await this.#admin.loginAdmin(this.server.adminPassword);
    assert.is(login.status, 200, 'admin login');
  }

  get api(): ApiClient {
    return this.#admin;
  }

  async readDraft(): Promise<void> {
    const draft = (await this.#admin.get('/api/draft')).body;
    this.draft = { revision: draft.revision, config: draft.config };
  }

  async readProduction(): Promise<Published> {
    const production = (await this.#admin.get('/api/production')).body;
    return { version: production.version, config: production.config };
  }

  /** One draft: the test line moves to another user, plus a few edits of a random kind and size. */
  async editDraft(): Promise<string[]> {
    const kinds = ['users', 'numbers', 'menus', 'music', 'audio-message', 'settings'] as const;
    const done: string[] = [];
    for (let edits = this.dice.integer(1, 3); edits > 0; edits--) {
      const kind = this.dice.pick(kinds);
      done.push(await this.#edit(kind));
    }
    done.push(await this.#moveTestLine());
    await this.readDraft();
    return done;
  }

  async applyAnswered(): Promise<void> {
    const started = performance.now();
    const response = await this.#admin.post('/api/draft/apply', undefined, { 'If-Match': String(this.draft.revision) });
    assert.is(response.status, 200, `apply: ${JSON.stringify(response.body)}`);
    this.applyMs.push(performance.now() - started);
    this.production = { version: response.body.version, config: this.draft.config };
    assert.equal((await this.readProduction()).config, this.draft.config, 'production is the draft applied');
    await this.readDraft();
  }

  /** Sends apply and kills the server at `moment`; says whether the apply was answered before it died. */
  async applyAndKill(moment: KillMoment): Promise<{ answered: boolean; landed: string }> {
    let watcher: FSWatcher | undefined;
    let started: Promise<void> = Promise.resolve();
    if (moment.after === 'writing') {
      const [folder, temporary] =
        moment.file === 'version' ? [join(this.server.dataDir, 'versions'), `.${String(this.production.version + 1).padStart(6, '0')}.json.tmp`] : [this.server.dataDir, `.${moment.file}.json.tmp`];
      started = new Promise<void>((resolve) => {
        watcher = watch(folder, (_event, name) => {
          if (name === temporary) resolve();
        });
      });
    }
    const sent = performance.now();
    const answer = this.#admin.post('/api/draft/apply', undefined, { 'If-Match': String(this.draft.revision) }).then(
      (response) => response,
      () => undefined,
    );
    let landed: string;
    if (moment.after === 'writing') {
      const seen = await Promise.race([started.then(() => true), sleep(20_000).then(() => false)]);
      await sleep(moment.ms);
      landed = seen ? `${moment.ms} ms after ${moment.file} file began (${Math.round(performance.now() - sent)} ms in)` : `never saw the ${moment.file} file written`;
    } else {
      await sleep(moment.ms);
      landed = `${moment.ms} ms after the request`;
    }
    await this.server.kill();
    watcher?.close();
    const response = await answer;
    if (response && response.status !== 200) assert.unreachable(`apply answered ${response.status}: ${JSON.stringify(response.body)}`);
    return { answered: response?.status === 200, landed };
  }

  async #edit(kind: 'users' | 'numbers' | 'menus' | 'music' | 'audio-message' | 'settings'): Promise<string> {
    const config = (await this.#admin.get('/api/draft')).body.config as Config;
    const userIds = (config.users as { id: string }[]).map((u) => u.id);
    switch (kind) {
      case 'users': {
        const count = this.dice.integer(1, 5);
        for (let i = 0; i < count; i++) {
          const extension = String(200 + this.#counter++);
          const password = `pw-${extension}-secret`;
          await this.#write('post', '/api/draft/users', { name: `User ${extension}`, email: `u${extension}@example.test`, extension, password, voicemail: this.dice.fraction() < 0.5 });
          this.passwords.set(extension, password);
        }
        return `${count} users`;
      }
      case 'numbers': {
        // Now and then a large draft, so that writing it takes a while.
        const count = this.dice.fraction() < 0.3 ? this.dice.integer(100, 250) : this.dice.integer(3, 20);
        for (let i = 0; i < count; i++) await this.#addNumber({ type: 'user', userId: this.dice.pick(userIds) });
        return `${count} numbers`;
      }
      case 'menus': {
        const count = this.dice.integer(1, 3);
        for (let i = 0; i < count; i++) {
          const keys = ['1', '2', '3', '9'].slice(0, this.dice.integer(1, 4));
          const menu = await this.#write('post', '/api/draft/ivr-menus', {
            name: `Menu ${this.#counter++}`,
            spokenText: 'Press a key',
            choices: keys.map((key) => ({ key, destination: { type: 'user', userId: this.dice.pick(userIds) } })),
            fallback: { type: 'hangup' },
          });
          await this.#addNumber({ type: 'ivr', menuId: menu.entity.id });
        }
        return `${count} menus`;
      }
      case 'music': {
        const hz = this.dice.integer(300, 900);
        await this.#upload('/api/draft/music-on-hold', wavFile(tone(hz, 2, 8000), 8000), `music ${hz}.wav`);
        return `music ${hz} Hz`;
      }
      case 'audio-message': {
        const message = await this.#write('post', '/api/draft/audio-messages', { name: `Message ${this.#counter++}` });
        const hz = this.dice.integer(300, 900);
        await this.#upload(`/api/draft/audio-messages/${message.entity.id}/upload`, wavFile(tone(hz, 1, 8000), 8000), `message ${hz}.wav`);
        await this.#addNumber({ type: 'user', userId: this.dice.pick(userIds) }, message.entity.id);
        return 'an audio message';
      }
      case 'settings': {
        const language = this.dice.pick(['fr', 'en', 'es', 'de']);
        await this.#write('put', '/api/draft/settings', { language });
        return `language ${language}`;
      }
    }
  }

  /** Points the test line at a user other than the one production names, so a call tells the two apart. */
  async #moveTestLine(): Promise<string> {
    const config = (await this.#admin.get('/api/draft')).body.config as Config;
    const now = targetExtension(this.production.config);
    const candidates = (config.users as { extension: string }[]).filter((u) => u.extension !== now && this.passwords.has(u.extension));
    const user = this.dice.pick(candidates) as { id: string; extension: string };
    const line = (config.incomingNumbers as { id: string; number: string }[]).find((n) => n.number === TEST_LINE);
    const body = { number: TEST_LINE, label: 'Test line', destination: { type: 'user', userId: user.id }, preAnswerMessageId: null, smsCompatible: false, smsEmail: '' };
    if (line) await this.#write('put', `/api/draft/incoming-numbers/${line.id}`, body);
    else await this.#write('post', '/api/draft/incoming-numbers', body);
    return `test line to ${user.extension}`;
  }

  async #addNumber(destination: object, preAnswerMessageId: string | null = null): Promise<void> {
    const number = `+3319${String(this.#counter++).padStart(7, '0')}`;
    await this.#write('post', '/api/draft/incoming-numbers', { number, label: `Line ${number}`, destination, preAnswerMessageId, smsCompatible: false, smsEmail: '' });
  }

  /** A draft write as the portal sends it (with If-Match); it must be answered 2xx. */
  async #write(method: 'post' | 'put', path: string, body: object): Promise<any> {
    const revision = (await this.#admin.get('/api/draft')).body.revision;
    const response = await this.#admin[method](path, body, { 'If-Match': String(revision) });
    assert.ok(response.status === 200 || response.status === 201, `${method.toUpperCase()} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async #upload(path: string, bytes: Uint8Array, filename: string): Promise<void> {
    const revision = (await this.#admin.get('/api/draft')).body.revision;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'audio/wav' }), filename);
    const response = await fetch(this.#admin.baseUrl + path, { method: 'POST', body: form, headers: { cookie: this.#admin.cookie, 'If-Match': String(revision) } });
    assert.is(response.status, 200, `upload ${path}: ${await response.text()}`);
  }
}

/** The extension of the user the test line rings (none before the first draft adds the line). */
function targetExtension(config: Config): string | undefined {
  const line = (config.incomingNumbers as { number: string; destination: { type: string; userId?: string } }[]).find((n) => n.number === TEST_LINE);
  return (config.users as { id: string; extension: string }[]).find((u) => u.id === line?.destination.userId)?.extension;
}

function audioFileIds(config: Config): string[] {
  const ids = (config.audioMessages as { fileId: string | null }[]).flatMap((m) => (m.fileId ? [m.fileId] : []));
  if (config.musicOnHold.type === 'upload') ids.push(config.musicOnHold.fileId);
  return ids;
}

/** The files as the killed process left them, before any start repairs anything. */
async function checkFilesAsLeft(dataDir: string, candidates: Published[]): Promise<number> {
  const production = ProductionVersion.parse(JSON.parse(await readFile(join(dataDir, 'production.json'), 'utf8')));
  assert.ok(
    candidates.some((c) => c.version === production.version),
    `production.json on disk is version ${production.version}, expected ${candidates.map((c) => c.version).join(' or ')}`,
  );
  return production.version;
}

/** A public caller dials the test line: the user production names answers; the other candidate's phone never rings. */
async function callTestLine(admin: AdminAtWork, expected: string, other: string | undefined): Promise<void> {
  const url = admin.server.url;
  const answering = await HeadlessPhone.connect({ baseUrl: url, login: { extension: expected, password: admin.passwords.get(expected)! }, autoAnswer: true });
  const bystander = other && other !== expected ? await HeadlessPhone.connect({ baseUrl: url, login: { extension: other, password: admin.passwords.get(other)! } }) : undefined;
  const caller = await HeadlessPhone.connect({ baseUrl: url });
  try {
    await caller.dial(TEST_LINE);
    await caller.waitState('connected', 30_000);
    assert.is(answering.incoming.length, 1, `${expected} rang`);
    assert.is(bystander?.incoming.length ?? 0, 0, `${other} did not ring`);
  } finally {
    await caller.close();
    await answering.close();
    await bystander?.close();
  }
}

test('kill -9 at random moments of Apply: production is one whole published version, the draft intact, audio there, calls follow it', async () => {
  const seed = testSeed();
  const dice = new Dice(seed);
  const runStarted = performance.now();
  let server = await startServer();
  const admin = new AdminAtWork(dice, server);
  const outcomes: string[] = [];
  try {
    await admin.signIn();
    await setUpUsers(admin.api, Object.fromEntries(admin.passwords));
    admin.production = await admin.readProduction();
    await admin.readDraft();
    for (let kill = 0; kill < KILLS; kill++) {
      // A few answered applies first, so the history grows and apply times are known.
      for (let answered = kill === 0 ? 2 : dice.integer(0, 1); answered > 0; answered--) {
        await admin.editDraft();
        await admin.applyAnswered();
      }
      const edits = await admin.editDraft();
      const applyMs = [...admin.applyMs].sort((a, b) => a - b)[Math.floor(admin.applyMs.length / 2)]!;
      const moment: KillMoment =
        dice.fraction() < 0.5
          ? { after: 'request', ms: Math.round(dice.fraction() * 1.5 * applyMs) }
          : { after: 'writing', file: dice.pick(['version', 'production', 'draft'] as const), ms: dice.integer(0, 3) };
      const before = admin.production;
      const applying: Published = { version: before.version + 1, config: admin.draft.config };
      const { answered, landed } = await admin.applyAndKill(moment);

      const onDisk = await checkFilesAsLeft(server.dataDir, answered ? [applying] : [before, applying]);
      server = await startServer({ dataDir: server.dataDir });
      admin.server = server;
      await admin.signIn();
      const production = await admin.readProduction();
      const expected = [before, applying].find((c) => c.version === production.version);
      assert.ok(expected, `production is version ${production.version}, not ${before.version} or ${applying.version}`);
      if (answered) assert.is(production.version, applying.version, 'an answered apply is kept');
      assert.is(production.version, onDisk, 'the start kept what was on disk');
      assert.equal(production.config, expected!.config, `production is exactly version ${expected!.version} as published`);

      const versions = (await admin.api.get('/api/versions')).body;
      assert.is(versions.production, production.version);
      assert.equal(
        versions.versions.map((v: { version: number }) => v.version),
        Array.from({ length: production.version }, (_, i) => production.version - i),
        'every version kept, none unpublished',
      );
      assert.equal((await admin.api.get(`/api/versions/${production.version}`)).body.config, production.config, 'the history holds the version in force');
      const versionFiles = (await readdir(join(server.dataDir, 'versions'))).filter((name) => /^\d+\.json$/.test(name));
      assert.is(versionFiles.length, production.version, 'no version file left by the kill');
      const leftovers = (await readdir(server.dataDir, { recursive: true })).filter((name) => /\.(tmp|partial)$/.test(name));
      assert.equal(leftovers, [], 'no half-written file left by the kill');

      const draft = (await admin.api.get('/api/draft')).body;
      assert.equal(draft.config, admin.draft.config, 'the draft is what the last answered edit left');
      assert.is(draft.baseVersion, production.version, 'the draft is based on the production in force');
      assert.ok(draft.revision >= admin.draft.revision, `draft revision ${draft.revision} after ${admin.draft.revision}`);

      for (const fileId of new Set([...audioFileIds(production.config), ...audioFileIds(draft.config)])) {
        const audio = await admin.api.get(`/api/audio/${fileId}`);
        assert.is(audio.status, 200, `audio file ${fileId} is there`);
        assert.is(String(audio.body).slice(0, 4), 'OggS', `audio file ${fileId} is Ogg`);
      }

      // The other candidate's user rings too if the wrong version is in force (when production has that user).
      const otherTarget = targetExtension(expected === before ? applying.config : before.config);
      const other = (production.config.users as { extension: string }[]).some((u) => u.extension === otherTarget) ? otherTarget : undefined;
      await callTestLine(admin, targetExtension(production.config)!, other);

      admin.production = expected!;
      await admin.readDraft();
      const outcome = `kill ${kill + 1} (${edits.join(', ')}): ${landed}; ${answered ? 'answered' : 'unanswered'}, production ${production.version === applying.version ? 'new' : 'old'} (v${production.version})`;
      outcomes.push(outcome);
      console.log(`  ${outcome}`);
    }
    // The store goes on as before: the draft (applied or not) is published by the next apply.
    await admin.editDraft();
    await admin.applyAnswered();
    await callTestLine(admin, targetExtension(admin.production.config)!, undefined);
    console.log(`  ${KILLS} kills, last version ${admin.production.version}, median apply ${Math.round([...admin.applyMs].sort((a, b) => a - b)[Math.floor(admin.applyMs.length / 2)]!)} ms, ${Math.round((performance.now() - runStarted) / 1000)} s`);
  } finally {
    await server.stop();
  }
});

test.run();
