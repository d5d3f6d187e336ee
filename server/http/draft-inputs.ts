// What the portal sends to create or edit each kind of entity, derived from the stored schemas,
// and how a request becomes a stored entity.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defaultForwardings } from '../../data/default-config.ts';
import {
  AudioMessage,
  ConferenceRoom,
  DEFAULT_CONFERENCE_MAX_PARTICIPANTS,
  DEFAULT_VOICEMAIL_LIMITS,
  IncomingNumber,
  IvrMenu,
  MENU_KEYS,
  OpeningHours,
  User,
  VoicemailBox,
  type CollectionName,
  type EntityOf,
  type PbxConfig,
} from '../../data/schema.ts';
import { hashPassword } from '../auth/passwords.ts';
import { HttpError } from './errors.ts';

const Password = z.string().min(6, 'at least 6 characters').max(200);

const UserInput = User.omit({ id: true, passwordHash: true, forwardings: true }).extend({
  password: z.union([z.literal(''), Password]).optional(),
  forwardings: User.shape.forwardings.optional(),
});

const VoicemailBoxInput = VoicemailBox.omit({ id: true, owner: true, enabled: true, greeting: true, pin: true, limits: true }).extend({
  enabled: z.boolean().default(true),
  greeting: VoicemailBox.shape.greeting.default({ type: 'default' }),
  pin: VoicemailBox.shape.pin.optional(),
  limits: VoicemailBox.shape.limits.default(DEFAULT_VOICEMAIL_LIMITS),
});

const IncomingNumberInput = IncomingNumber.omit({ id: true }).extend({
  label: IncomingNumber.shape.label.default(''),
  preAnswerMessageId: IncomingNumber.shape.preAnswerMessageId.default(null),
  smsCompatible: z.boolean().default(false),
  smsEmail: IncomingNumber.shape.smsEmail.default(''),
});

const AudioMessageInput = AudioMessage.pick({ name: true });
const IvrMenuInput = IvrMenu.omit({ id: true });
const ConferenceRoomInput = ConferenceRoom.omit({ id: true }).extend({
  pin: ConferenceRoom.shape.pin.default(''),
  maxParticipants: ConferenceRoom.shape.maxParticipants.default(DEFAULT_CONFERENCE_MAX_PARTICIPANTS),
});
const OpeningHoursInput = OpeningHours.omit({ id: true }).extend({
  ranges: OpeningHours.shape.ranges.default([]),
  holidays: OpeningHours.shape.holidays.default([]),
});

/** How one collection's requests become entities. `existing` is undefined on create. */
export interface CollectionInput<C extends CollectionName> {
  path: string;
  idPrefix: string;
  toEntity(body: unknown, id: string, existing: EntityOf<C> | undefined, config: PbxConfig): Promise<EntityOf<C>>;
}

export function newId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function randomPin(): string {
  return String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
}

/** Caught here for the form's sake; Apply checks the whole draft again. */
function refuseDuplicate(taken: boolean, field: string, message: string): void {
  if (taken) throw new HttpError(400, 'Invalid request body', { fields: [{ field, message }] });
}

const users: CollectionInput<'users'> = {
  path: 'users',
  idPrefix: 'u',
  async toEntity(body, id, existing, config) {
    const input = UserInput.parse(body);
    const owner = config.users.find((u) => u.extension === input.extension && u.id !== id);
    refuseDuplicate(owner !== undefined, 'extension', `already used by ${owner?.name}`);
    const { password, ...fields } = input;
    if (!existing && !password) throw new HttpError(400, 'Invalid request body', { fields: [{ field: 'password', message: 'required' }] });
    const passwordHash = password ? await hashPassword(password) : existing!.passwordHash;
    const forwardings = input.forwardings ?? existing?.forwardings ?? defaultForwardings();
    return { ...fields, id, passwordHash, forwardings };
  },
};

const voicemailBoxes: CollectionInput<'voicemailBoxes'> = {
  path: 'voicemail-boxes',
  idPrefix: 'vm',
  async toEntity(body, id, existing, config) {
    const input = VoicemailBoxInput.parse(body);
    const owner = existing?.owner ?? { type: 'manual' as const };
    const box = { ...input, id, owner, pin: input.pin ?? existing?.pin ?? randomPin() };
    if (owner.type === 'user') {
      // A user's box follows its user: its name, e-mail and on/off come from the user.
      const user = config.users.find((u) => u.id === owner.userId);
      if (user) return { ...box, name: user.name, email: user.email, enabled: user.voicemail };
    }
    return box;
  },
};

const incomingNumbers: CollectionInput<'incomingNumbers'> = {
  path: 'incoming-numbers',
  idPrefix: 'n',
  async toEntity(body, id, _existing, config) {
    const input = IncomingNumberInput.parse(body);
    refuseDuplicate(config.incomingNumbers.some((n) => n.number === input.number && n.id !== id), 'number', 'already listed');
    return { ...input, id };
  },
};

const audioMessages: CollectionInput<'audioMessages'> = {
  path: 'audio-messages',
  idPrefix: 'am',
  async toEntity(body, id, existing) {
    const { name } = AudioMessageInput.parse(body);
    return existing ? { ...existing, name } : { id, name, source: 'none', voice: null, text: null, textLanguage: null, fileId: null, durationMs: null };
  },
};

const ivrMenus: CollectionInput<'ivrMenus'> = {
  path: 'ivr-menus',
  idPrefix: 'ivr',
  async toEntity(body, id) {
    const input = IvrMenuInput.parse(body);
    const keys = input.choices.map((c) => c.key);
    const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
    refuseDuplicate(repeated !== undefined, 'choices', `key ${repeated} is given two destinations`);
    // Keys in keypad order, so the stored menu reads as the keypad does.
    const choices = [...input.choices].sort((a, b) => MENU_KEYS.indexOf(a.key) - MENU_KEYS.indexOf(b.key));
    return { ...input, choices, id };
  },
};

const openingHours: CollectionInput<'openingHours'> = {
  path: 'opening-hours',
  idPrefix: 'oh',
  async toEntity(body, id) {
    const input = OpeningHoursInput.parse(body);
    const backwards = input.ranges.findIndex((r) => r.from >= r.to);
    refuseDuplicate(backwards !== -1, `ranges.${backwards}.to`, 'must be after the start (a range past midnight is two ranges, one each day)');
    const holidays = [...input.holidays].sort((a, b) => a.date.localeCompare(b.date));
    return { ...input, holidays, id };
  },
};

const conferenceRooms: CollectionInput<'conferenceRooms'> = {
  path: 'conference-rooms',
  idPrefix: 'conf',
  async toEntity(body, id) {
    return { ...ConferenceRoomInput.parse(body), id };
  },
};

export const COLLECTION_INPUTS: { [C in CollectionName]: CollectionInput<C> } = {
  users,
  voicemailBoxes,
  incomingNumbers,
  audioMessages,
  ivrMenus,
  conferenceRooms,
  openingHours,
};
