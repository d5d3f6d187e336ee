// What a scenario says must happen, checked against what the PBX did (the call's trace), what the
// caller's phone received, what was stored (voicemail) and what was sent (e-mail). One checker per
// expectation kind; a new destination of the PBX adds one entry to DESTINATIONS.
import type { PbxConfig, User, VoicemailBox } from '../data/schema.ts';
import type { CallTrace, TracedEvent } from '../server/calls/call-trace.ts';
import type { AdminApi } from './admin-api.ts';
import type { CapturedMail } from './mail-capture.ts';
import type { DestinationKind, Expectation, HeardItem, Reached } from './scenario.ts';

/** What a check sees of one call. */
export interface CallEvidence {
  trace: CallTrace;
  config: PbxConfig;
  /** Loudest 20 ms of what the caller received between two moments of the call (ms from the dial), in dBFS; null if nothing arrived. */
  receivedLevel(fromMs: number, toMs: number): number | null;
  admin: Pick<AdminApi, 'boxMessages' | 'outbox' | 'notice'>;
  /** E-mails an SMTP server on loopback received (embedded runs); null: check the outbox only. */
  mails: CapturedMail[] | null;
  /** When the call ended, ms from the dial. */
  endedMs: number;
}

export interface Outcome {
  passed: boolean;
  /** What was seen, in words: why it passed or failed. */
  detail: string;
  /** When it happened, ms from the dial (for `within`). */
  atMs?: number;
}

export interface CheckResult {
  /** The expectation in words: "reached voicemail box Alice Martin". */
  expectation: string;
  passed: boolean;
  detail: string;
}

/** Quieter than this, what a caller received during a prompt counts as silence. */
export const AUDIBLE_DBFS = -45;
/** E-mails are waited for this long after the call ends, unless `within` says otherwise. */
export const DEFAULT_EMAIL_WAIT_MS = 60_000;
const POLL_MS = 250;

// --- names in scenarios to entities of the configuration ---

export class UnknownReference extends Error {}

export function findUser(config: PbxConfig, ref: string): User {
  const lower = ref.toLowerCase();
  const user = config.users.find((u) => u.extension === ref || u.id === ref || u.name.toLowerCase() === lower);
  if (!user) throw new UnknownReference(`no user "${ref}" in the configuration (extensions: ${config.users.map((u) => u.extension).join(', ') || 'none'})`);
  return user;
}

export function findBox(config: PbxConfig, ref: string): VoicemailBox {
  const lower = ref.toLowerCase();
  const owner = config.users.find((u) => u.extension === ref);
  const box = config.voicemailBoxes.find(
    (b) => (owner && b.owner.type === 'user' && b.owner.userId === owner.id) || b.id === ref || b.name.toLowerCase() === lower,
  );
  if (!box) throw new UnknownReference(`no voicemail box "${ref}" in the configuration (boxes: ${config.voicemailBoxes.map((b) => b.name).join(', ') || 'none'})`);
  return box;
}

/** An entity of a named collection of the configuration, by id or name. */
function findNamed(config: PbxConfig, collection: string, what: string, ref: string): { id: string; name: string } {
  const entities = (config as unknown as Record<string, { id: string; name: string }[] | undefined>)[collection];
  if (!entities) throw new UnknownReference(`this PBX has no ${what}s`);
  const lower = ref.toLowerCase();
  const entity = entities.find((e) => e.id === ref || e.name.toLowerCase() === lower);
  if (!entity) throw new UnknownReference(`no ${what} "${ref}" in the configuration (${what}s: ${entities.map((e) => e.name).join(', ') || 'none'})`);
  return entity;
}

interface Destination {
  /** The entity a scenario names, with a label for the report; throws UnknownReference. */
  resolve(config: PbxConfig, ref: string): { id: string; label: string };
  /** The event showing the call got there. */
  reachedBy(trace: CallTrace, id: string): TracedEvent | undefined;
}

const stepWith = (trace: CallTrace, field: string, id: string) => trace.events.find((e) => e.type === 'step' && e.step[field] === id);

export const DESTINATIONS: Record<DestinationKind, Destination> = {
  user: {
    resolve: (config, ref) => {
      const user = findUser(config, ref);
      return { id: user.id, label: `user ${user.name} (${user.extension})` };
    },
    reachedBy: (trace, id) => trace.events.find((e) => e.type === 'answered' && e.userId === id),
  },
  voicemail: {
    resolve: (config, ref) => {
      const box = findBox(config, ref);
      return { id: box.id, label: `voicemail box ${box.name}` };
    },
    reachedBy: (trace, id) => trace.events.find((e) => e.type === 'step' && e.step.type === 'voicemail' && e.step.boxId === id),
  },
  menu: {
    resolve: (config, ref) => {
      const menu = findNamed(config, 'ivrMenus', 'IVR menu', ref);
      return { id: menu.id, label: `IVR menu ${menu.name}` };
    },
    reachedBy: (trace, id) => stepWith(trace, 'menuId', id),
  },
  conference: {
    resolve: (config, ref) => {
      const room = findNamed(config, 'conferenceRooms', 'conference room', ref);
      return { id: room.id, label: `conference room ${room.name}` };
    },
    reachedBy: (trace, id) => trace.events.find((e) => e.type === 'conference-joined' && e.roomId === id),
  },
};

export function resolveReached(config: PbxConfig, reached: Reached): { id: string; label: string } {
  return DESTINATIONS[reached.kind].resolve(config, reached.value);
}

// --- what was played ---

export function describeHeard(item: HeardItem): string {
  if (item.type === 'beep') return 'the beep';
  if (item.type === 'prompt') return `the prompt ${item.name}`;
  return `the audio message ${item.ref}`;
}

function resolveHeard(config: PbxConfig, item: HeardItem): (played: Record<string, unknown>) => boolean {
  if (item.type === 'beep') return (played) => played.type === 'beep';
  if (item.type === 'prompt') return (played) => played.type === 'prompt' && played.name === item.name;
  const message = findNamed(config, 'audioMessages', 'audio message', item.ref);
  return (played) => played.type === 'audio-message' && played.audioMessageId === message.id;
}

/** Each time the item started playing, with its end (undefined: still playing when the trace was read). */
export function playsOf(trace: CallTrace, matches: (played: Record<string, unknown>) => boolean): { start: TracedEvent; end: TracedEvent | undefined }[] {
  const plays: { start: TracedEvent; end: TracedEvent | undefined }[] = [];
  trace.events.forEach((event, index) => {
    if (event.type !== 'play' || !matches(event.item)) return;
    const end = trace.events.slice(index + 1).find((e) => e.type === 'play-ended' && JSON.stringify(e.item) === JSON.stringify(event.item));
    plays.push({ start: event, end });
  });
  return plays;
}

/** A predicate over the trace for waiting (`wait_for`) and for checks that only read the trace. */
export function heardIn(trace: CallTrace, config: PbxConfig, item: HeardItem): TracedEvent | undefined {
  const matches = resolveHeard(config, item);
  return playsOf(trace, matches).find((play) => play.end && play.end.type === 'play-ended' && play.end.played)?.end;
}

// --- the checks ---

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function describeExpectation(expectation: Expectation, config: PbxConfig): string {
  const within = expectation.within !== undefined ? ` within ${seconds(expectation.within)}` : '';
  return describeBody(expectation, config) + within;
}

function describeBody(expectation: Expectation, config: PbxConfig): string {
  const safe = (label: () => string, fallback: string) => {
    try {
      return label();
    } catch {
      return fallback;
    }
  };
  switch (expectation.kind) {
    case 'reached':
      return `reached ${safe(() => resolveReached(config, expectation.value).label, `${expectation.value.kind} ${expectation.value.value}`)}`;
    case 'rang':
      return `rang ${expectation.value.join(', then ')}`;
    case 'heard':
      return `heard ${describeHeard(expectation.value)}`;
    case 'not_heard':
      return `did not hear ${describeHeard(expectation.value)}`;
    case 'voicemail': {
      const range = expectation.value.seconds;
      const length = range ? `, ${range.min}–${range.max === Infinity ? '∞' : range.max} s long` : '';
      return `voicemail saved in ${safe(() => `box ${findBox(config, expectation.value.box).name}`, `box ${expectation.value.box}`)}${length}`;
    }
    case 'email':
      return `e-mail sent to ${expectation.value.to}${expectation.value.subject ? ` with "${expectation.value.subject}" in its subject` : ''}`;
    case 'menu_choice': {
      const menu = safe(() => `IVR menu ${findNamed(config, 'ivrMenus', 'IVR menu', expectation.value.menu).name}`, `IVR menu ${expectation.value.menu}`);
      return `left ${menu} ${expectation.value.key !== undefined ? `with key ${expectation.value.key}` : 'by its fallback'}`;
    }
    case 'opening_hours': {
      const hours = safe(() => findNamed(config, 'openingHours', 'opening hours', expectation.value.schedule).name, expectation.value.schedule);
      return `opening hours ${hours} ${expectation.value.open ? 'open' : 'closed'}`;
    }
    case 'ended':
      return `call ended${expectation.value.reason ? ` with ${expectation.value.reason}` : ''}${expectation.value.by ? ` by the ${expectation.value.by}` : ''}`;
  }
}

/** Checks every reference of the expectation against the configuration before any call is made. */
export function checkReferences(expectation: Expectation, config: PbxConfig): void {
  switch (expectation.kind) {
    case 'reached':
      resolveReached(config, expectation.value);
      return;
    case 'rang':
      for (const extension of expectation.value) findUser(config, extension);
      return;
    case 'heard':
    case 'not_heard':
      resolveHeard(config, expectation.value);
      return;
    case 'voicemail':
      findBox(config, expectation.value.box);
      return;
    case 'menu_choice':
      findNamed(config, 'ivrMenus', 'IVR menu', expectation.value.menu);
      return;
    case 'opening_hours':
      findNamed(config, 'openingHours', 'opening hours', expectation.value.schedule);
      return;
    default:
      return;
  }
}

export async function checkExpectation(expectation: Expectation, evidence: CallEvidence): Promise<CheckResult> {
  const description = describeExpectation(expectation, evidence.config);
  let outcome: Outcome;
  try {
    outcome = await checkBody(expectation, evidence);
  } catch (error) {
    outcome = { passed: false, detail: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.passed && expectation.within !== undefined && outcome.atMs !== undefined && outcome.atMs > expectation.within) {
    outcome = { passed: false, detail: `${outcome.detail}, at ${seconds(outcome.atMs)}: later than the ${seconds(expectation.within)} allowed` };
  }
  return { expectation: description, passed: outcome.passed, detail: outcome.detail };
}

async function checkBody(expectation: Expectation, evidence: CallEvidence): Promise<Outcome> {
  const { trace, config } = evidence;
  switch (expectation.kind) {
    case 'reached': {
      const target = resolveReached(config, expectation.value);
      const event = DESTINATIONS[expectation.value.kind].reachedBy(trace, target.id);
      if (event) return { passed: true, detail: `at ${seconds(event.ms)}`, atMs: event.ms };
      return { passed: false, detail: `the call never got there: ${summarizeTrace(trace, config)}` };
    }
    case 'rang': {
      const wanted = expectation.value.map((extension) => findUser(config, extension));
      const rang = trace.events.filter((e) => e.type === 'ringing');
      let from = 0;
      for (const user of wanted) {
        const index = rang.findIndex((e, i) => i >= from && e.userId === user.id);
        const order = rang.map((e) => nameOf(config, e.userId)).join(', ') || 'no one';
        if (index < 0) return { passed: false, detail: `${user.extension} did not ring${from > 0 ? ' after the previous ones' : ''} (rang: ${order})` };
        from = index + 1;
      }
      const last = rang[from - 1]!;
      return { passed: true, detail: `rang: ${rang.map((e) => nameOf(config, e.userId)).join(', ')}`, atMs: last.ms };
    }
    case 'heard': {
      const matches = resolveHeard(config, expectation.value);
      const plays = playsOf(trace, matches);
      if (plays.length === 0) return { passed: false, detail: `the PBX never played it (${playedList(trace)})` };
      const whole = plays.find((play) => play.end?.type === 'play-ended' && play.end.played);
      if (!whole) return { passed: false, detail: `the PBX started it at ${seconds(plays[0]!.start.ms)} but it had nothing to play` };
      const level = evidence.receivedLevel(whole.start.ms, whole.end!.ms);
      if (level === null || level < AUDIBLE_DBFS) {
        return { passed: false, detail: `the PBX played it at ${seconds(whole.start.ms)}–${seconds(whole.end!.ms)}, but the caller received ${level === null ? 'no audio' : `only silence (${level.toFixed(0)} dBFS)`} then` };
      }
      const cut = whole.end?.type === 'play-ended' && whole.end.cut ? ' (cut short)' : '';
      return { passed: true, detail: `at ${seconds(whole.start.ms)}–${seconds(whole.end!.ms)}${cut}, received at ${level.toFixed(0)} dBFS`, atMs: whole.start.ms };
    }
    case 'not_heard': {
      const plays = playsOf(trace, resolveHeard(config, expectation.value));
      if (plays.length === 0) return { passed: true, detail: `not played (${playedList(trace)})` };
      return { passed: false, detail: `the PBX played it at ${seconds(plays[0]!.start.ms)}` };
    }
    case 'voicemail':
      return checkVoicemail(expectation.value, evidence);
    case 'email':
      return checkEmail(expectation.value, expectation.within, evidence);
    case 'menu_choice': {
      const menu = findNamed(config, 'ivrMenus', 'IVR menu', expectation.value.menu);
      const outcomes = trace.events.filter((e) => e.type === 'menu-outcome' && e.menuId === menu.id);
      const wanted = expectation.value.key;
      const match = outcomes.find((e) => e.type === 'menu-outcome' && (wanted === undefined ? e.because === 'fallback' : e.because === 'key' && e.key === wanted));
      if (match) return { passed: true, detail: `at ${seconds(match.ms)}`, atMs: match.ms };
      const seen = outcomes.map((e) => (e.type === 'menu-outcome' && e.because === 'key' ? `key ${e.key}` : 'the fallback')).join(', ');
      return { passed: false, detail: seen ? `the caller left it by ${seen}` : `the caller never left it: ${summarizeTrace(trace, config)}` };
    }
    case 'opening_hours': {
      const hours = findNamed(config, 'openingHours', 'opening hours', expectation.value.schedule);
      const branch = trace.events.find((e) => e.type === 'opening-hours' && e.openingHoursId === hours.id);
      if (!branch || branch.type !== 'opening-hours') return { passed: false, detail: `the call never went through them: ${summarizeTrace(trace, config)}` };
      const said = branch.open ? 'open' : 'closed';
      return { passed: branch.open === expectation.value.open, detail: `${said} at ${seconds(branch.ms)} (PBX clock ${branch.at})`, atMs: branch.ms };
    }
    case 'ended': {
      const ended = trace.events.find((e) => e.type === 'ended');
      if (!ended || ended.type !== 'ended') return { passed: false, detail: 'the call had not ended' };
      const { reason, by } = expectation.value;
      const seen = `ended by the ${ended.by} with ${ended.reason} at ${seconds(ended.ms)}`;
      const passed = (reason === undefined || reason === ended.reason) && (by === undefined || by === ended.by);
      return { passed, detail: seen, atMs: ended.ms };
    }
  }
}

async function checkVoicemail(wanted: { box: string; seconds?: { min: number; max: number } }, evidence: CallEvidence): Promise<Outcome> {
  const box = findBox(evidence.config, wanted.box);
  const messages = evidence.trace.events.filter((e) => e.type === 'voicemail-message');
  const mine = messages.filter((m) => m.boxId === box.id);
  if (mine.length === 0) {
    const elsewhere = messages.map((m) => `${m.kept ? 'saved' : 'discarded'} in ${m.boxId}`).join('; ');
    return { passed: false, detail: `no message recorded in this box${elsewhere ? ` (${elsewhere})` : ''}: ${summarizeTrace(evidence.trace, evidence.config)}` };
  }
  const message = mine[0]!;
  const length = seconds(message.durationMs);
  if (!message.kept) return { passed: false, detail: `a ${(message.durationMs / 1000).toFixed(2)} s recording was discarded (${message.ending}): shorter than the box's ${box.limits.minMessageSeconds} s minimum` };
  const stored = (await evidence.admin.boxMessages(box.id)).find((m) => m.id === message.messageId);
  if (!stored) return { passed: false, detail: `the PBX said it saved message ${message.messageId} (${length}), but the box does not list it` };
  const range = wanted.seconds;
  const inRange = !range || (stored.durationMs >= range.min * 1000 && stored.durationMs <= range.max * 1000);
  const detail = `${seconds(stored.durationMs)} saved (ended by ${message.ending})`;
  return { passed: inRange, detail: inRange ? detail : `${detail}: outside ${range!.min}–${range!.max} s`, atMs: message.ms };
}

async function checkEmail(wanted: { to: string; subject?: string }, within: number | undefined, evidence: CallEvidence): Promise<Outcome> {
  const messageIds = new Set(evidence.trace.events.flatMap((e) => (e.type === 'voicemail-message' && e.kept ? [e.messageId] : [])));
  if (messageIds.size === 0) return { passed: false, detail: 'the call left no voicemail message, so no e-mail could follow' };
  const address = wanted.to.toLowerCase();
  const deadline = performance.now() + Math.max(0, (within ?? evidence.endedMs + DEFAULT_EMAIL_WAIT_MS) - evidence.endedMs);
  let last = 'no notice in the outbox for this call';
  for (;;) {
    const { smtpConfigured, notices } = await evidence.admin.outbox();
    const ours = notices.filter((n) => messageIds.has(n.subjectId));
    const notice = ours.find((n) => n.to.toLowerCase() === address);
    if (ours.length > 0 && !notice) last = `the notice went to ${ours.map((n) => n.to).join(', ')}`;
    if (notice) {
      const subjectOk = !wanted.subject || notice.subject.includes(wanted.subject);
      if (!subjectOk) return { passed: false, detail: `the e-mail's subject is "${notice.subject}"` };
      if (evidence.mails) {
        const { messageId } = await evidence.admin.notice(notice.id);
        const mail = evidence.mails.find((m) => m.messageId === messageId && m.to.some((to) => to.toLowerCase() === address));
        if (mail) {
          const attachments = mail.attachments.map((a) => `${a.filename} (${a.contentType})`).join(', ');
          return { passed: true, detail: `"${mail.subject}" received by the SMTP server${attachments ? `, with ${attachments}` : ''}` };
        }
        last = `the notice is ${notice.status}${notice.lastError ? ` (${notice.lastError})` : ''}, not received by the SMTP server yet`;
      } else if (notice.status === 'sent') {
        return { passed: true, detail: `"${notice.subject}" accepted by the PBX's SMTP server` };
      } else if (!smtpConfigured) {
        return { passed: true, detail: `"${notice.subject}" waiting in the outbox (the PBX has no SMTP server)` };
      } else {
        last = `the notice is ${notice.status}${notice.lastError ? ` (${notice.lastError})` : ''}`;
        if (notice.status === 'failed') return { passed: false, detail: last };
      }
    }
    if (performance.now() > deadline) return { passed: false, detail: `${last} after waiting ${seconds(Math.max(0, (within ?? evidence.endedMs + DEFAULT_EMAIL_WAIT_MS) - evidence.endedMs))}` };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// --- the trace in words, for failures ---

function nameOf(config: PbxConfig, userId: string): string {
  const user = config.users.find((u) => u.id === userId);
  return user ? user.extension : userId;
}

function playedList(trace: CallTrace): string {
  const played = trace.events.flatMap((e) => (e.type === 'play' ? [playedName(e.item)] : []));
  return played.length > 0 ? `played: ${played.join(', ')}` : 'it played nothing';
}

function playedName(item: Record<string, unknown>): string {
  if (item.type === 'prompt') return String(item.name);
  if (item.type === 'audio-message') return `audio message ${String(item.audioMessageId)}`;
  return String(item.type);
}

/** The call in one line: "ring 101 (no-answer) → voicemail vm-u101 → played voicemail-greeting, beep → message 4.1 s saved → ended by pbx (hangup)". */
export function summarizeTrace(trace: CallTrace, config: PbxConfig): string {
  const parts: string[] = [];
  for (const event of trace.events) {
    switch (event.type) {
      case 'ring-ended':
        parts.push(`${nameOf(config, event.userId)} rang: ${event.outcome}`);
        break;
      case 'step':
        if (!['ring', 'play', 'hangup', 'opening-hours', 'announce'].includes(event.step.type)) {
          const values = Object.entries(event.step).filter(([key]) => key !== 'type').map(([, value]) => String(value));
          parts.push(`${event.step.type}${values.length ? ` ${values.join(' ')}` : ''}`);
        }
        break;
      case 'play':
        parts.push(`played ${playedName(event.item)}`);
        break;
      case 'digit':
        parts.push(`key ${event.digit}`);
        break;
      case 'menu-outcome':
        parts.push(event.because === 'key' ? `menu ${event.menuId}: key ${event.key}` : `menu ${event.menuId}: fallback`);
        break;
      case 'opening-hours':
        parts.push(`opening hours ${event.openingHoursId}: ${event.open ? 'open' : 'closed'}`);
        break;
      case 'conference-joined':
        parts.push(`joined conference ${event.roomId} (${event.members} in the room)`);
        break;
      case 'voicemail-message':
        parts.push(`message ${seconds(event.durationMs)} ${event.kept ? 'saved' : 'discarded'}`);
        break;
      case 'ended':
        parts.push(`ended by the ${event.by} (${event.reason}) at ${seconds(event.ms)}`);
        break;
      default:
        break;
    }
  }
  return parts.join(' → ') || 'nothing happened';
}
