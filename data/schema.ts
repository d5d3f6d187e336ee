// The PBX configuration model. These zod schemas are the single source of truth: the stored files,
// the portal API and the call engine all use the types inferred here.
import { z } from 'zod';

export const LANGUAGES = ['fr', 'en', 'es', 'de'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
export const LANGUAGE_NAMES: Record<Language, string> = {
  fr: 'Français',
  en: 'English',
  es: 'Español',
  de: 'Deutsch',
};

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
export const Email = z.email('a valid e-mail address').max(254);
/** An empty string means "none": the portal's forms send empty fields, not nulls. */
export const OptionalEmail = z.union([z.literal(''), Email]);
export const Extension = z.string().regex(/^\d{2,6}$/, '2 to 6 digits');
export const E164Number = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an international number such as +33187654321');
export const Name = z.string().trim().min(1, 'required').max(80).regex(/^\P{Cc}*$/u, 'no control characters');
export const Pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');

/** True for an IANA time zone name Intl knows, e.g. Europe/Paris. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The machine's own zone when it has one other than bare UTC, else Europe/Paris (the PBX's home). */
export function defaultTimeZone(): string {
  const machine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return machine && machine !== 'UTC' && machine !== 'Etc/UTC' && isTimeZone(machine) ? machine : 'Europe/Paris';
}

export const TimeZone = z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris');

export const Settings = z.object({
  language: Language,
  /** Where SMS go for SMS-compatible numbers whose own address is empty. */
  defaultSmsEmail: OptionalEmail,
  /** Opening hours are read in this zone. Configurations stored before it existed get the default. */
  timeZone: TimeZone.default(defaultTimeZone),
});
export type Settings = z.infer<typeof Settings>;

/** One step of a forwarding chain: ring another user, or go straight to a voicemail box. */
export const ForwardingTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userId: Id }),
  z.object({ type: z.literal('voicemail'), boxId: Id }),
]);
export type ForwardingTarget = z.infer<typeof ForwardingTarget>;

export const ForwardingChain = z.object({
  enabled: z.boolean(),
  targets: z.array(ForwardingTarget).max(10),
  /** When every target fails, the caller reaches the user's own voicemail box. */
  voicemailLastResort: z.boolean(),
});
export type ForwardingChain = z.infer<typeof ForwardingChain>;

export const Forwardings = z.object({
  noAnswer: ForwardingChain.extend({
    /** How long each phone of the chain rings before the next one is tried. */
    afterSeconds: z.number().int().min(5).max(120),
  }),
  busy: ForwardingChain,
});
export type Forwardings = z.infer<typeof Forwardings>;

export const User = z.object({
  id: Id,
  name: Name,
  email: Email,
  extension: Extension,
  /** bcrypt hash; the plain password is never stored nor sent back. */
  passwordHash: z.string().min(1),
  voicemail: z.boolean(),
  forwardings: Forwardings,
});
export type User = z.infer<typeof User>;

export const Greeting = z.discriminatedUnion('type', [
  z.object({ type: z.literal('default') }),
  z.object({ type: z.literal('audio'), audioMessageId: Id }),
]);
export type Greeting = z.infer<typeof Greeting>;

/** Asterisk's voicemail.conf defaults: maxsecs=180, minsecs=2, maxsilence=10, maxmsg=100. */
export const VoicemailLimits = z.object({
  maxMessageSeconds: z.number().int().min(10).max(3600),
  minMessageSeconds: z.number().int().min(0).max(60),
  silenceEndSeconds: z.number().int().min(1).max(60),
  maxMessages: z.number().int().min(1).max(10000),
});
export type VoicemailLimits = z.infer<typeof VoicemailLimits>;
export const DEFAULT_VOICEMAIL_LIMITS: VoicemailLimits = {
  maxMessageSeconds: 180,
  minMessageSeconds: 2,
  silenceEndSeconds: 10,
  maxMessages: 100,
};

/** A box belongs to a user (made when the user's Voicemail is Yes) or was added by hand. */
export const BoxOwner = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userId: Id }),
  z.object({ type: z.literal('manual') }),
]);
export type BoxOwner = z.infer<typeof BoxOwner>;

export const VoicemailBox = z.object({
  id: Id,
  name: Name,
  /** Notification address. For a user's box it follows the user's e-mail. */
  email: Email,
  owner: BoxOwner,
  /** A user's box is disabled, never deleted, when the user's Voicemail goes to No: messages stay. */
  enabled: z.boolean(),
  greeting: Greeting,
  pin: Pin,
  limits: VoicemailLimits,
});
export type VoicemailBox = z.infer<typeof VoicemailBox>;

/** What an incoming voice call reaches (also a menu key, an opening-hours branch). */
export const Destination = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userId: Id }),
  z.object({ type: z.literal('voicemail'), boxId: Id }),
  z.object({ type: z.literal('ivr'), menuId: Id }),
  z.object({ type: z.literal('conference'), roomId: Id }),
  z.object({ type: z.literal('opening-hours'), openingHoursId: Id }),
  /** Hangs up, after an audio message when one is chosen. */
  z.object({ type: z.literal('hangup'), audioMessageId: Id.optional() }),
]);
export type Destination = z.infer<typeof Destination>;
export type DestinationType = Destination['type'];

/**
 * What a caller hears while the callee's phones ring: the ringback tone, or the music on hold with,
 * optionally, an audio message repeated over it (the music ducked under the voice).
 */
export const WhileRinging = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ringback') }),
  z.object({
    type: z.literal('music-on-hold'),
    /** Played at the start, then again after every `repeatAfterSeconds` of music; null for music alone. */
    repeatedMessageId: Id.nullable(),
    repeatAfterSeconds: z.number().int().min(5, 'at least 5 seconds').max(600, 'at most 600 seconds'),
  }),
]);
export type WhileRinging = z.infer<typeof WhileRinging>;

export const IncomingNumber = z.object({
  id: Id,
  number: E164Number,
  label: z.string().trim().max(80),
  destination: Destination,
  /** Played to the caller before the call is answered; null for none. */
  preAnswerMessageId: Id.nullable(),
  /** Configurations stored before waiting music existed read as ringback. */
  whileRinging: WhileRinging.default({ type: 'ringback' }),
  smsCompatible: z.boolean(),
  /** Only meaningful when smsCompatible; empty means the default address from Settings. */
  smsEmail: OptionalEmail,
});
export type IncomingNumber = z.infer<typeof IncomingNumber>;

export const AudioSource = z.enum(['none', 'recording', 'text', 'upload']);
export type AudioSource = z.infer<typeof AudioSource>;

/** Made from its name alone; its audio comes later (recorded, uploaded or synthesized). */
export const AudioMessage = z.object({
  id: Id,
  name: Name,
  source: AudioSource,
  voice: z.string().max(64).nullable(),
  text: z.string().max(5000).nullable(),
  /** The text's language as the admin chose it in the dialog; null: detected from the text. */
  textLanguage: Language.nullable().default(null),
  /** The stored audio file, in the media store; null until there is audio. */
  fileId: Id.nullable(),
  durationMs: z.number().int().min(0).nullable(),
});
export type AudioMessage = z.infer<typeof AudioMessage>;

export const MENU_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;
export const MenuKey = z.enum(MENU_KEYS);
export type MenuKey = z.infer<typeof MenuKey>;

export const MenuChoice = z.object({ key: MenuKey, destination: Destination });
export type MenuChoice = z.infer<typeof MenuChoice>;

/**
 * An IVR menu: a prompt, then a key chooses a destination. A wrong key says "invalid choice" and
 * repeats the menu, as does waiting with no key; after `retries` repeats the call goes to `fallback`.
 * Menus stored before these fields existed get the defaults.
 */
export const IvrMenu = z.object({
  id: Id,
  name: Name,
  /** The prompt; when it is null or has no audio yet, `spokenText` is spoken instead. */
  promptMessageId: Id.nullable().default(null),
  /** Spoken by the PBX's voice when the prompt has no audio; empty: the keys are listed. */
  spokenText: z.string().trim().max(1000).default(''),
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  retries: z.number().int().min(0).max(10).default(2),
  choices: z.array(MenuChoice).max(MENU_KEYS.length).default([]),
  fallback: Destination.default({ type: 'hangup' }),
});
export type IvrMenu = z.infer<typeof IvrMenu>;

/** Callers who reach a room talk together: the PBX mixes each one's audio for the others. */
export const ConferenceRoom = z.object({
  id: Id,
  name: Name,
  /** Asked by a voice prompt before joining; empty for none. */
  pin: z.union([z.literal(''), Pin]),
  /** Callers beyond it hear that the room is full: mixing costs CPU per participant. */
  maxParticipants: z.number().int().min(2).max(50),
});
export type ConferenceRoom = z.infer<typeof ConferenceRoom>;
export const DEFAULT_CONFERENCE_MAX_PARTICIPANTS = 10;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;
/** "08:30"; "24:00" ends a range at midnight. */
export const TimeOfDay = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time such as 08:30 (00:00 to 24:00)');
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-12-25')
  .refine((date) => !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date), 'a date that exists');

/** One weekly opening: a day, from (included) to (excluded), in the PBX's time zone. */
export const WeeklyRange = z.object({ day: Weekday, from: TimeOfDay, to: TimeOfDay });
export type WeeklyRange = z.infer<typeof WeeklyRange>;

export const Holiday = z.object({ date: CalendarDate, name: z.string().trim().max(80).default('') });
export type Holiday = z.infer<typeof Holiday>;

/** The dial plan: within a weekly range (and not on a holiday) calls go to `open`, otherwise to `closed`. */
export const OpeningHours = z.object({
  id: Id,
  name: Name,
  ranges: z.array(WeeklyRange).max(100),
  holidays: z.array(Holiday).max(400),
  open: Destination,
  closed: Destination,
});
export type OpeningHours = z.infer<typeof OpeningHours>;

export const MusicOnHold = z.discriminatedUnion('type', [
  z.object({ type: z.literal('default') }),
  /** An uploaded file, stored once encoded (data/audio-store.ts); `name` is the file's name as uploaded. */
  z.object({ type: z.literal('upload'), fileId: Id, name: z.string().trim().min(1).max(255), durationMs: z.number().int().min(0) }),
]);
export type MusicOnHold = z.infer<typeof MusicOnHold>;

export const PbxConfig = z.object({
  settings: Settings,
  users: z.array(User),
  voicemailBoxes: z.array(VoicemailBox),
  incomingNumbers: z.array(IncomingNumber),
  audioMessages: z.array(AudioMessage),
  ivrMenus: z.array(IvrMenu),
  /** Configurations stored before opening hours existed have none. */
  openingHours: z.array(OpeningHours).default([]),
  musicOnHold: MusicOnHold,
  /** Absent from configurations stored before conference rooms existed. */
  conferenceRooms: z.array(ConferenceRoom).default([]),
});
export type PbxConfig = z.infer<typeof PbxConfig>;

/** The collections of the configuration that hold entities with an id. */
export const COLLECTIONS = ['users', 'voicemailBoxes', 'incomingNumbers', 'audioMessages', 'ivrMenus', 'conferenceRooms', 'openingHours'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];
export type EntityOf<C extends CollectionName> = PbxConfig[C][number];
