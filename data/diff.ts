// What Apply changes would do, in words: the list an admin reviews before publishing, and the
// number shown as "pending changes" in the portal.
import { isDeepStrictEqual } from 'node:util';
import {
  COLLECTIONS,
  LANGUAGE_NAMES,
  type CollectionName,
  type Destination,
  type ForwardingChain,
  type Greeting,
  type IvrMenu,
  type OpeningHours,
  type PbxConfig,
} from './schema.ts';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface Change {
  kind: ChangeKind;
  /** e.g. "User", "Incoming number", "Settings". */
  what: string;
  /** The entity's name as an admin knows it, e.g. "Alice (101)". */
  name: string;
  /** For "changed": one line per field, e.g. "Language: English → Deutsch". */
  details: string[];
}

const COLLECTION_NOUNS: Record<CollectionName, string> = {
  users: 'User',
  voicemailBoxes: 'Voicemail box',
  incomingNumbers: 'Incoming number',
  audioMessages: 'Audio message',
  ivrMenus: 'IVR menu',
  conferenceRooms: 'Conference room',
  openingHours: 'Opening hours',
};

export function diffConfigs(before: PbxConfig, after: PbxConfig): Change[] {
  const changes: Change[] = [];
  const configs = [after, before];
  const settingsDetails = describeFields(before.settings, after.settings, configs, (field, value) =>
    field === 'language' ? LANGUAGE_NAMES[value as keyof typeof LANGUAGE_NAMES] : describeValue(value, ...configs));
  if (settingsDetails.length > 0) changes.push({ kind: 'changed', what: 'Settings', name: 'Global settings', details: settingsDetails });
  if (!isDeepStrictEqual(before.musicOnHold, after.musicOnHold)) {
    const label = (m: PbxConfig['musicOnHold']) => (m.type === 'default' ? 'default music' : m.name);
    changes.push({ kind: 'changed', what: 'Music on hold', name: 'Music on hold', details: [`${label(before.musicOnHold)} → ${label(after.musicOnHold)}`] });
  }
  for (const collection of COLLECTIONS) {
    const what = COLLECTION_NOUNS[collection];
    const oldById = new Map<string, { id: string }>(before[collection].map((e) => [e.id, e]));
    const newById = new Map<string, { id: string }>(after[collection].map((e) => [e.id, e]));
    for (const [id, entity] of newById) {
      const old = oldById.get(id);
      if (!old) changes.push({ kind: 'added', what, name: entityName(collection, entity), details: [] });
      else if (!isDeepStrictEqual(old, entity)) {
        const details = describeFields(old, entity, configs, (field, value) =>
          (field === 'preAnswerMessageId' || field === 'promptMessageId') && typeof value === 'string'
            ? `audio message ${findName('audioMessages', value, ...configs)}`
            : field === 'textLanguage'
              ? (LANGUAGE_NAMES[value as keyof typeof LANGUAGE_NAMES] ?? 'detected')
              : describeList(field, value, configs) ?? describeValue(value, ...configs));
        changes.push({ kind: 'changed', what, name: entityName(collection, entity), details });
      }
    }
    for (const [id, entity] of oldById) {
      if (!newById.has(id)) changes.push({ kind: 'removed', what, name: entityName(collection, entity), details: [] });
    }
  }
  return changes;
}

export function describeChange(change: Change): string {
  const head = `${change.what} ${change.name} ${change.kind}`;
  return change.details.length > 0 ? `${head}: ${change.details.join('; ')}` : head;
}

const FIELD_LABELS: Record<string, string> = {
  language: 'Language',
  defaultSmsEmail: 'Default e-mail for incoming SMS',
  name: 'Name',
  email: 'E-mail',
  extension: 'Extension',
  passwordHash: 'Password',
  voicemail: 'Voicemail',
  forwardings: 'Forwardings',
  enabled: 'Enabled',
  greeting: 'Greeting',
  pin: 'PIN',
  limits: 'Limits',
  owner: 'Owner',
  number: 'Number',
  label: 'Label',
  destination: 'Destination',
  preAnswerMessageId: 'Message before answer',
  whileRinging: 'While the phones ring',
  smsCompatible: 'SMS compatible',
  smsEmail: 'Destination e-mail for incoming SMS',
  source: 'Source',
  voice: 'Voice',
  text: 'Text',
  textLanguage: 'Language of the text',
  fileId: 'Audio',
  durationMs: 'Length',
  maxParticipants: 'Maximum participants',
  timeZone: 'Time zone',
  promptMessageId: 'Prompt',
  spokenText: 'Spoken text',
  timeoutSeconds: 'Wait for a key (seconds)',
  retries: 'Repeats',
  choices: 'Keys',
  fallback: 'Fallback',
  ranges: 'Opening times',
  holidays: 'Holidays',
  open: 'When open',
  closed: 'When closed',
};

function describeFields(
  before: object,
  after: object,
  configs: PbxConfig[],
  describe: (field: string, value: unknown) => string,
): string[] {
  const details: string[] = [];
  const oldRecord = before as Record<string, unknown>;
  const newRecord = after as Record<string, unknown>;
  for (const field of new Set([...Object.keys(oldRecord), ...Object.keys(newRecord)])) {
    if (field === 'id' || isDeepStrictEqual(oldRecord[field], newRecord[field])) continue;
    const label = FIELD_LABELS[field] ?? field;
    // Secrets and audio files are named, never shown.
    if (field === 'passwordHash' || field === 'pin' || field === 'fileId') details.push(`${label} changed`);
    else if (field === 'forwardings') details.push(...describeForwardings(oldRecord[field], newRecord[field], configs));
    else if (field === 'durationMs') details.push(`${label}: ${seconds(oldRecord[field])} → ${seconds(newRecord[field])}`);
    else if (field === 'text') details.push(`${label}: ${shortened(describe(field, oldRecord[field]))} → ${shortened(describe(field, newRecord[field]))}`);
    else details.push(`${label}: ${describe(field, oldRecord[field])} → ${describe(field, newRecord[field])}`);
  }
  return details;
}

/** A message's length as the portal shows it, 1:05. */
function seconds(milliseconds: unknown): string {
  if (typeof milliseconds !== 'number') return 'none';
  const total = Math.round(milliseconds / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** A message's text can be 5 000 characters: the review shows its beginning. */
function shortened(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function describeForwardings(before: unknown, after: unknown, configs: PbxConfig[]): string[] {
  const details: string[] = [];
  const oldForwardings = before as Record<string, ForwardingChain & { afterSeconds?: number }>;
  const newForwardings = after as Record<string, ForwardingChain & { afterSeconds?: number }>;
  const describeChain = (chain: ForwardingChain & { afterSeconds?: number }) => {
    if (!chain.enabled) return 'off';
    const steps = chain.targets.map((t) => describeValue(t, ...configs));
    if (chain.voicemailLastResort) steps.push('voicemail as a last resort');
    const prefix = chain.afterSeconds !== undefined ? `after ${chain.afterSeconds} s: ` : '';
    return prefix + (steps.length > 0 ? steps.join(', then ') : 'nowhere');
  };
  for (const [key, label] of [['noAnswer', 'Forwarding on no answer'], ['busy', 'Forwarding on busy']] as const) {
    const oldChain = oldForwardings[key];
    const newChain = newForwardings[key];
    if (oldChain && newChain && !isDeepStrictEqual(oldChain, newChain)) {
      details.push(`${label}: ${describeChain(oldChain)} → ${describeChain(newChain)}`);
    }
  }
  return details;
}

/** Menu keys, opening times and holidays read as lists: "1 = user Alice (101), # = hang up". */
function describeList(field: string, value: unknown, configs: PbxConfig[]): string | null {
  if (!Array.isArray(value)) return null;
  if (value.length === 0) return 'none';
  switch (field) {
    case 'choices':
      return (value as IvrMenu['choices']).map((c) => `${c.key} = ${describeValue(c.destination, ...configs)}`).join(', ');
    case 'ranges':
      return (value as OpeningHours['ranges']).map((r) => `${r.day} ${r.from}–${r.to}`).join(', ');
    case 'holidays':
      return (value as OpeningHours['holidays']).map((h) => (h.name ? `${h.date} (${h.name})` : h.date)).join(', ');
  }
  return null;
}

/** Turns a stored value into words, resolving ids to names in either configuration. */
function describeValue(value: unknown, ...configs: PbxConfig[]): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const find = (collection: CollectionName, id: string) => findName(collection, id, ...configs);
  const tagged = value as Partial<Destination | Greeting> & Record<string, unknown>;
  switch (tagged.type as string | undefined) {
    case 'user':
      return `user ${find('users', String(tagged.userId))}`;
    case 'voicemail':
      return `voicemail box ${find('voicemailBoxes', String(tagged.boxId))}`;
    case 'ivr':
      return `IVR menu ${find('ivrMenus', String(tagged.menuId))}`;
    case 'conference':
      return `conference room ${find('conferenceRooms', String(tagged.roomId))}`;
    case 'opening-hours':
      return `opening hours ${find('openingHours', String(tagged.openingHoursId))}`;
    case 'hangup':
      return typeof tagged.audioMessageId === 'string' ? `hang up after audio message ${find('audioMessages', tagged.audioMessageId)}` : 'hang up';
    case 'default':
      return 'default';
    case 'audio':
      return `audio message ${find('audioMessages', String(tagged.audioMessageId))}`;
    case 'manual':
      return 'added by hand';
    case 'ringback':
      return 'ringback tone';
    case 'music-on-hold': {
      const messageId = tagged.repeatedMessageId;
      if (typeof messageId !== 'string') return 'music on hold';
      return `music on hold, with audio message ${find('audioMessages', messageId)} after every ${tagged.repeatAfterSeconds} s of music`;
    }
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${FIELD_LABELS[k] ?? k} ${describeValue(v, ...configs)}`)
    .join(', ');
}

function findName(collection: CollectionName, id: string, ...configs: PbxConfig[]): string {
  for (const config of configs) {
    const entity = (config[collection] as { id: string }[]).find((e) => e.id === id);
    if (entity) return entityName(collection, entity);
  }
  return `(missing ${id})`;
}

function entityName(collection: CollectionName, entity: object): string {
  const e = entity as Record<string, unknown>;
  switch (collection) {
    case 'users':
      return `${e.name} (${e.extension})`;
    case 'incomingNumbers':
      return e.label ? `${e.number} (${e.label})` : String(e.number);
    default:
      return String(e.name);
  }
}
