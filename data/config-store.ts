// Production and draft configurations, their history, and Apply changes.
// Calls read production only; the portal edits the draft; apply publishes the draft atomically.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { diffConfigs, type Change } from './diff.ts';
import { JsonDocument } from './json-document.ts';
import { PbxConfig } from './schema.ts';
import { validateConfig, type Problem } from './validate.ts';

export const ProductionVersion = z.object({
  version: z.number().int().min(1),
  appliedAt: z.string(),
  appliedBy: z.string(),
  config: PbxConfig,
});
export type ProductionVersion = z.infer<typeof ProductionVersion>;

export const Draft = z.object({
  /** The production version this draft was started from. */
  baseVersion: z.number().int().min(1),
  /** Grows with every edit; a writer that read an older revision is refused (two admins at once). */
  revision: z.number().int().min(0),
  updatedAt: z.string(),
  updatedBy: z.string(),
  config: PbxConfig,
});
export type Draft = z.infer<typeof Draft>;

export type VersionSummary = Omit<ProductionVersion, 'config'>;

/** Someone else changed the draft or production since the caller last read it. */
export class StaleDraftError extends Error {
  constructor(
    message: string,
    readonly changedBy: string,
    readonly changedAt: string,
  ) {
    super(message);
  }
}
/** The draft has problems; nothing was published. */
export class ApplyRefusedError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`Apply refused: ${problems.length} problem(s)`);
  }
}
export class UnknownVersionError extends Error {}

export type ProductionListener = (production: ProductionVersion) => void;

export class ConfigStore {
  #listeners = new Set<ProductionListener>();
  /** Serialises writers: an apply's several files must not interleave with an edit. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly versionsDir: string,
    private readonly productionFile: JsonDocument<typeof ProductionVersion>,
    private readonly draftFile: JsonDocument<typeof Draft>,
  ) {}

  /**
   * Opens the store in `dir`. On first start it publishes `createDefault()` as version 1.
   * It also finishes what a crash interrupted: versions written but never published are removed,
   * and a draft that an apply already published is rebased.
   */
  static async open(dir: string, createDefault: () => Promise<PbxConfig> | PbxConfig, now = () => new Date()): Promise<ConfigStore> {
    const versionsDir = join(dir, 'versions');
    await mkdir(versionsDir, { recursive: true });
    const productionFile = await JsonDocument.openAtStart(join(dir, 'production.json'), ProductionVersion);
    const draftFile = await JsonDocument.openAtStart(join(dir, 'draft.json'), Draft);
    const store = new ConfigStore(versionsDir, productionFile, draftFile);
    if (productionFile.data === null) {
      const first: ProductionVersion = { version: 1, appliedAt: now().toISOString(), appliedBy: 'system', config: await createDefault() };
      await store.#writeVersionFile(first);
      await productionFile.write(first);
    }
    const production = productionFile.data!;
    for (const name of await readdir(versionsDir)) {
      const version = Number.parseInt(name, 10);
      if (!(version <= production.version)) await rm(join(versionsDir, name), { force: true });
    }
    const draft = draftFile.data;
    if (draft === null || (draft.baseVersion < production.version && isDeepStrictEqual(draft.config, production.config))) {
      await draftFile.write({
        baseVersion: production.version,
        revision: (draft?.revision ?? 0) + 1,
        updatedAt: production.appliedAt,
        updatedBy: production.appliedBy,
        config: production.config,
      });
    }
    return store;
  }

  get production(): ProductionVersion {
    return this.productionFile.data!;
  }

  get draft(): Draft {
    return this.draftFile.data!;
  }

  pendingChanges(): Change[] {
    return diffConfigs(this.production.config, this.draft.config);
  }

  onProductionChanged(listener: ProductionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Changes the draft with `edit`. `expectedRevision` is the revision the caller's view was based on;
   * undefined skips the check (a single admin, scripts).
   */
  editDraft(by: string, expectedRevision: number | undefined, edit: (config: PbxConfig) => PbxConfig): Promise<Draft> {
    return this.#exclusive(async () => {
      this.#checkRevision(expectedRevision);
      const current = this.draft;
      const config = PbxConfig.parse(edit(current.config));
      const next: Draft = { ...current, revision: current.revision + 1, updatedAt: new Date().toISOString(), updatedBy: by, config };
      await this.draftFile.write(next);
      return next;
    });
  }

  discardDraft(by: string, expectedRevision: number | undefined): Promise<Draft> {
    return this.#exclusive(async () => {
      this.#checkRevision(expectedRevision);
      return this.#resetDraft(by);
    });
  }

  /**
   * Validates the draft and publishes it as the next production version. The commit point is the
   * atomic rename of production.json: before it the old version is in force, after it the new one.
   */
  apply(by: string, expectedRevision: number | undefined, now = new Date()): Promise<ProductionVersion> {
    return this.#exclusive(async () => {
      this.#checkRevision(expectedRevision);
      const draft = this.draft;
      const production = this.production;
      if (draft.baseVersion !== production.version) {
        throw new StaleDraftError(
          `The draft was started from version ${draft.baseVersion}, but version ${production.version} ` +
            `(applied by ${production.appliedBy} at ${production.appliedAt}) is now in production. ` +
            'Review the draft against it, or discard the draft.',
          production.appliedBy,
          production.appliedAt,
        );
      }
      const problems = validateConfig(draft.config);
      if (problems.length > 0) throw new ApplyRefusedError(problems);
      const next: ProductionVersion = { version: production.version + 1, appliedAt: now.toISOString(), appliedBy: by, config: draft.config };
      await this.#writeVersionFile(next);
      await this.productionFile.write(next);
      await this.#resetDraft(by);
      for (const listener of this.#listeners) listener(next);
      return next;
    });
  }

  async listVersions(): Promise<VersionSummary[]> {
    const summaries: VersionSummary[] = [];
    for (const name of await readdir(this.versionsDir)) {
      const version = await this.#readVersionFile(Number.parseInt(name, 10));
      if (version) summaries.push({ version: version.version, appliedAt: version.appliedAt, appliedBy: version.appliedBy });
    }
    return summaries.sort((a, b) => b.version - a.version);
  }

  async readVersion(version: number): Promise<ProductionVersion> {
    const stored = await this.#readVersionFile(version);
    if (!stored) throw new UnknownVersionError(`There is no version ${version}`);
    return stored;
  }

  /** Puts an earlier version into the draft; it reaches calls only when applied. */
  restoreVersion(version: number, by: string, expectedRevision: number | undefined): Promise<Draft> {
    return this.#exclusive(async () => {
      this.#checkRevision(expectedRevision);
      const stored = await this.readVersion(version);
      const current = this.draft;
      const next: Draft = { ...current, revision: current.revision + 1, updatedAt: new Date().toISOString(), updatedBy: by, config: stored.config };
      await this.draftFile.write(next);
      return next;
    });
  }

  #checkRevision(expectedRevision: number | undefined): void {
    const draft = this.draft;
    if (expectedRevision !== undefined && expectedRevision !== draft.revision) {
      throw new StaleDraftError(
        `The draft was changed by ${draft.updatedBy} at ${draft.updatedAt} since you loaded it ` +
          `(your revision ${expectedRevision}, now ${draft.revision}). Reload and make your change again.`,
        draft.updatedBy,
        draft.updatedAt,
      );
    }
  }

  async #resetDraft(by: string): Promise<Draft> {
    const production = this.production;
    const next: Draft = {
      baseVersion: production.version,
      revision: this.draft.revision + 1,
      updatedAt: new Date().toISOString(),
      updatedBy: by,
      config: production.config,
    };
    await this.draftFile.write(next);
    return next;
  }

  #versionPath(version: number): string {
    return join(this.versionsDir, `${String(version).padStart(6, '0')}.json`);
  }

  async #writeVersionFile(version: ProductionVersion): Promise<void> {
    const file = await JsonDocument.open(this.#versionPath(version.version), ProductionVersion);
    await file.write(version);
  }

  async #readVersionFile(version: number): Promise<ProductionVersion | null> {
    if (!Number.isInteger(version) || version < 1) return null;
    return (await JsonDocument.open(this.#versionPath(version), ProductionVersion)).data;
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
