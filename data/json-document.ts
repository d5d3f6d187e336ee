// One JSON file on disk, read and validated with its zod schema, written atomically by lowdb
// (temporary file + rename), so a crash leaves the old or the new content, never half of each.
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { z } from 'zod';

export class CorruptFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file} is not a valid Switchboard file: ${detail}`);
  }
}

export class JsonDocument<S extends z.ZodType> {
  readonly #db: Low<z.infer<S> | null>;

  private constructor(readonly file: string, private readonly schema: S) {
    this.#db = new Low<z.infer<S> | null>(new JSONFile(file), null);
  }

  /** Opens the file; null content means it does not exist yet. */
  static async open<S extends z.ZodType>(file: string, schema: S): Promise<JsonDocument<S>> {
    const document = new JsonDocument(file, schema);
    try {
      await document.#db.read();
    } catch (error) {
      throw new CorruptFileError(file, (error as Error).message);
    }
    if (document.#db.data !== null) {
      const parsed = schema.safeParse(document.#db.data);
      if (!parsed.success) throw new CorruptFileError(file, parsed.error.issues[0]?.message ?? 'schema mismatch');
      document.#db.data = parsed.data;
    }
    return document;
  }

  /**
   * Opens, at start, a file that one store of this process alone writes: a write that a crash cut
   * short left lowdb's temporary file beside it, removed first. (Not for files opened again on
   * every read, such as stored versions: their temporary file may be a write in progress.)
   */
  static async openAtStart<S extends z.ZodType>(file: string, schema: S): Promise<JsonDocument<S>> {
    await rm(temporaryFileOf(file), { force: true });
    return JsonDocument.open(file, schema);
  }

  get data(): z.infer<S> | null {
    return this.#db.data;
  }

  async write(data: z.infer<S>): Promise<void> {
    this.#db.data = data;
    await this.#db.write();
  }
}

/** Where lowdb (steno) writes before its rename: `.name.tmp` beside `name`. */
export function temporaryFileOf(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}
