// Edits of a draft configuration that carry PBX rules beyond one entity: a user's voicemail box
// follows the user, and removing things never deletes stored messages.
import { DEFAULT_VOICEMAIL_LIMITS, type CollectionName, type EntityOf, type PbxConfig, type VoicemailBox } from './schema.ts';

export class EditRefused extends Error {}

export function upsertEntity<C extends CollectionName>(config: PbxConfig, collection: C, entity: EntityOf<C>): PbxConfig {
  const list = config[collection] as EntityOf<C>[];
  const index = list.findIndex((e) => e.id === entity.id);
  const next = index === -1 ? [...list, entity] : list.map((e, i) => (i === index ? entity : e));
  return { ...config, [collection]: next };
}

export function removeEntity(config: PbxConfig, collection: CollectionName, id: string): PbxConfig {
  if (collection === 'users') return removeUser(config, id);
  if (collection === 'voicemailBoxes') {
    const box = config.voicemailBoxes.find((b) => b.id === id);
    if (box?.owner.type === 'user') {
      throw new EditRefused(`Voicemail box ${box.name} belongs to a user: set the user's Voicemail to No instead`);
    }
  }
  return { ...config, [collection]: (config[collection] as { id: string }[]).filter((e) => e.id !== id) };
}

/**
 * Voicemail Yes gives the user an enabled box (made if missing, with the user's e-mail);
 * No disables the box but keeps it, so its messages survive.
 */
export function syncUserVoicemailBox(config: PbxConfig, userId: string, newBoxId: () => string): PbxConfig {
  const user = config.users.find((u) => u.id === userId);
  if (!user) return config;
  const existing = config.voicemailBoxes.find((b) => b.owner.type === 'user' && b.owner.userId === userId);
  if (!existing) {
    if (!user.voicemail) return config;
    const box: VoicemailBox = {
      id: newBoxId(),
      name: user.name,
      email: user.email,
      owner: { type: 'user', userId },
      enabled: true,
      greeting: { type: 'default' },
      pin: user.extension.padStart(4, '0'),
      limits: { ...DEFAULT_VOICEMAIL_LIMITS },
    };
    return { ...config, voicemailBoxes: [...config.voicemailBoxes, box] };
  }
  const synced: VoicemailBox = { ...existing, name: user.name, email: user.email, enabled: user.voicemail };
  return upsertEntity(config, 'voicemailBoxes', synced);
}

/** The user's box stays (as a box added by hand, disabled) so no message is lost. */
function removeUser(config: PbxConfig, userId: string): PbxConfig {
  return {
    ...config,
    users: config.users.filter((u) => u.id !== userId),
    voicemailBoxes: config.voicemailBoxes.map((b) =>
      b.owner.type === 'user' && b.owner.userId === userId ? { ...b, owner: { type: 'manual' as const }, enabled: false } : b,
    ),
  };
}
