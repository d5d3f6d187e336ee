// Which stored audio files the configurations refer to, and the sweep that removes the others:
// files are never changed once written, so every upload or new recording leaves the file it
// replaces behind, and only the draft, production and the stored versions say what is still used.
import type { AudioStore } from './audio-store.ts';
import type { ConfigStore } from './config-store.ts';
import type { PbxConfig } from './schema.ts';

/** How long a file nothing refers to yet is spared: an upload saves its file before its draft edit, a text-to-speech preview before it is saved. */
export const SWEEP_GRACE_MS = 60 * 60_000;

export function audioFileIdsOf(config: PbxConfig): string[] {
  const ids = config.audioMessages.flatMap((m) => (m.fileId ? [m.fileId] : []));
  if (config.musicOnHold.type === 'upload') ids.push(config.musicOnHold.fileId);
  return ids;
}

/** Removes the files that neither the draft, production nor any stored version refers to. */
export async function sweepUnreferencedAudio(store: ConfigStore, audio: AudioStore, now = Date.now()): Promise<number> {
  const keep = new Set([...audioFileIdsOf(store.draft.config), ...audioFileIdsOf(store.production.config)]);
  for (const summary of await store.listVersions()) {
    for (const id of audioFileIdsOf((await store.readVersion(summary.version)).config)) keep.add(id);
  }
  return audio.sweep(keep, now - SWEEP_GRACE_MS);
}
