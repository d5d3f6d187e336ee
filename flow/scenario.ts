// The call-flow scenario file: YAML read with the `yaml` package (which keeps each value's line),
// checked with these zod schemas, so a mistake is reported as file:line:column, the field and what
// was expected. A file holds one scenario, or several under `scenarios:`.
import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { PROMPTS } from '../server/calls/ports.ts';

// --- small values ---

const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min)?\s*$/;
const DURATION_HINT = 'a duration such as 3s, 500ms, 1.5s or 2min (a bare number is seconds)';

/** A duration in milliseconds, written 3s, 500ms, 2min or a number of seconds. */
export const Duration = z.union([z.number().nonnegative(DURATION_HINT), z.string()], DURATION_HINT).transform((value, ctx) => {
  if (typeof value === 'number') return Math.round(value * 1000);
  const match = DURATION_PATTERN.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_HINT}, not "${value}"` });
    return z.NEVER;
  }
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? amount : unit === 'min' ? amount * 60_000 : amount * 1000);
});

/** An extension: YAML reads 101 as a number, so numbers are taken as their digits. */
export const ExtensionRef = z.union([z.string().regex(/^\d{2,6}$/, 'an extension of 2 to 6 digits'), z.number().int()], 'an extension such as "101"').transform(String);

/** A user, box, menu or room, named by its extension (users and their boxes), name or id. */
export const EntityRef = z.union([z.string().trim().min(1), z.number().int()], 'a name, id or extension').transform(String);

/** An incoming number. YAML reads +33100000101 without quotes as a number: it is given its + back. */
export const DialledNumber = z
  .union([z.string().trim(), z.number().int().positive()], 'an incoming number such as "+33100000101"')
  .transform((value) => (typeof value === 'number' ? `+${value}` : value))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'an incoming number in international form, such as "+33100000101" (in quotes)'));

export const Keys = z.union([z.string(), z.number().int().nonnegative()], 'keys such as "1" or "12#"').transform(String).pipe(z.string().regex(/^[0-9*#A-D]{1,32}$/, 'keys among 0-9, *, # and A-D'));

/** Seconds given as [min, max] or { min, max }: a message length. */
const SecondsRange = z
  .union([z.tuple([z.number().nonnegative(), z.number().nonnegative()]), z.object({ min: z.number().nonnegative().default(0), max: z.number().nonnegative().default(Infinity) }).strict()], 'a range of seconds such as [3, 8] or { min: 3 }')
  .transform((range) => (Array.isArray(range) ? { min: range[0], max: range[1] } : range))
  .refine((range) => range.min <= range.max, 'min must not be above max');

// --- items of a list written `- key: value` (or `- key` alone), dispatched on their key ---

type Variants = Record<string, z.ZodType>;
export type KeyedItem<V extends Variants, S extends z.ZodRawShape> = {
  [K in keyof V & string]: { kind: K; value: z.output<V[K]> } & z.output<z.ZodObject<S>>;
}[keyof V & string];

/**
 * One of several kinds, told apart by which key the item has, e.g. `{ say: "Hello" }` or
 * `{ press: "1", gap: 1s }`; a bare word (`hangup`) is that key with the value true. A zod union
 * would report every branch's error; this reports the one that applies, or the kinds there are.
 */
export function keyedItem<V extends Variants, S extends z.ZodRawShape = {}>(what: string, variants: V, shared: S = {} as S): z.ZodType<KeyedItem<V, S>> {
  const kinds = Object.keys(variants);
  return z.unknown().transform((raw, ctx) => {
    const value: unknown = typeof raw === 'string' && kinds.includes(raw) ? { [raw]: true } : raw;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `${what}: one of ${kinds.join(', ')}` });
      return z.NEVER;
    }
    const present = Object.keys(value).filter((key) => kinds.includes(key));
    if (present.length !== 1) {
      const found = Object.keys(value).join(', ') || 'nothing';
      const message = present.length === 0 ? `${what}: one of ${kinds.join(', ')} (found ${found})` : `one ${what} per item, not ${present.join(' and ')} together`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const kind = present[0]!;
    const parsed = z
      .object({ [kind]: variants[kind]!, ...shared })
      .strict()
      .safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const unknownKey = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [issue.keys[0]!] : [];
        ctx.addIssue({ code: 'custom', message: issueMessage(issue), path: [...(issue.path as PropertyKey[]), ...unknownKey] });
      }
      return z.NEVER;
    }
    const { [kind]: kindValue, ...rest } = parsed.data as Record<string, unknown>;
    return { kind, value: kindValue, ...rest } as KeyedItem<V, S>;
  }) as unknown as z.ZodType<KeyedItem<V, S>>;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.length > 1 ? `unknown fields ${issue.keys.join(', ')}` : 'unknown field';
  return issue.message;
}

// --- what the caller heard, and where a call went ---

export const PromptName = z.enum(PROMPTS, { error: () => `a prompt name: ${PROMPTS.join(', ')}` });

/** Something the PBX plays: a prompt by name, the beep, or an audio message by name or id. */
export const HeardItem = z.union(
  [
    z.literal('beep').transform(() => ({ type: 'beep' as const })),
    PromptName.transform((name) => ({ type: 'prompt' as const, name })),
    z.object({ prompt: PromptName }).strict().transform(({ prompt }) => ({ type: 'prompt' as const, name: prompt })),
    z.object({ audio_message: EntityRef }).strict().transform(({ audio_message }) => ({ type: 'audio-message' as const, ref: audio_message })),
  ],
  { error: () => `a prompt name (${PROMPTS.join(', ')}), beep, or { audio_message: NAME }` },
);
export type HeardItem = z.output<typeof HeardItem>;

/**
 * Where a call can go. A new destination of the PBX adds one line here and one matcher in
 * expectations.ts (DESTINATIONS), nothing else.
 */
export const DESTINATION_KINDS = ['user', 'voicemail', 'menu', 'conference'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
export const Reached = keyedItem('a destination', Object.fromEntries(DESTINATION_KINDS.map((kind) => [kind, EntityRef])) as Record<DestinationKind, typeof EntityRef>);
export type Reached = z.output<typeof Reached>;

// --- what the caller and the users do ---

const TextToSay = z.object({ text: z.string().min(1).max(2000), voice: z.string().max(40).optional() }).strict();
const FileToSay = z.object({ file: z.string().min(1) }).strict();
/** Text eSpeak NG speaks (in the PBX's language unless `voice` says), or a WAV/MP3 file. */
export const Say = z.union([z.string().min(1).transform((text) => ({ text, voice: undefined })), TextToSay, FileToSay], {
  error: () => 'text to speak, { text, voice }, or { file: path/to/audio.wav }',
});
export type Say = z.output<typeof Say>;

export const WaitTarget = keyedItem('something to wait for', {
  answered: z.literal(true),
  beep: z.literal(true),
  heard: HeardItem,
  reached: Reached,
  ringing: ExtensionRef,
});
export type WaitTarget = z.output<typeof WaitTarget>;

export const Action = keyedItem(
  'an action',
  {
    /** Stay silent this long. */
    wait: Duration,
    /** Stay silent until the PBX did it (from the call's trace), at most `timeout`. */
    wait_for: WaitTarget,
    say: Say,
    /** Keys as RFC 4733 events (as a browser's RTCDTMFSender sends them); `tones: true` sends them as sound. */
    press: Keys,
    hangup: z.literal(true),
  },
  { timeout: Duration.optional(), gap: Duration.optional(), tones: z.boolean().optional() },
);
export type Action = z.output<typeof Action>;

export const Answer = z.union(
  [
    z.literal('never').transform(() => ({ type: 'never' as const })),
    z.literal('reject').transform(() => ({ type: 'reject' as const })),
    z.literal('busy').transform(() => ({ type: 'reject' as const })),
    z.object({ after: Duration }).strict().transform(({ after }) => ({ type: 'after' as const, ms: after })),
  ],
  { error: () => 'never, reject (busy), or { after: 3s }' },
);

/** A softphone user signed in for the scenario (headless), who answers or not. */
export const UserActor = z
  .object({
    user: ExtensionRef,
    /** Needed against a running server (--url) unless given with --password; generated when embedded. */
    password: z.string().min(1).optional(),
    answer: Answer.default({ type: 'never' }),
    /** What the user does once connected. */
    then: z.array(Action).default([]),
  })
  .strict();
export type UserActor = z.output<typeof UserActor>;

// --- what must happen ---

const VoicemailSaved = z.object({ box: EntityRef, seconds: SecondsRange.optional() }).strict();
const EmailSent = z.object({ to: z.email('an e-mail address'), subject: z.string().optional() }).strict();
const MenuChoiceMade = z
  .object({ menu: EntityRef, key: Keys.pipe(z.string().length(1, 'one key')).optional(), fallback: z.literal(true).optional() })
  .strict()
  .refine((choice) => (choice.key === undefined) !== (choice.fallback === undefined), 'either key: "1" (the key that chose) or fallback: true (no valid key in time)');
const OpeningHoursBranch = z.object({ schedule: EntityRef, open: z.boolean() }).strict();
const Ended = z.union([z.string().transform((reason) => ({ reason, by: undefined })), z.object({ reason: z.string().optional(), by: z.enum(['caller', 'callee', 'pbx']).optional() }).strict()], {
  error: () => 'an end reason (hangup, busy, no-answer, unavailable, not-in-service…) or { reason, by: caller|callee|pbx }',
});

export const Expectation = keyedItem(
  'an expectation',
  {
    reached: Reached,
    /** These users' phones rang, in this order (others may ring in between). */
    rang: z.union([ExtensionRef.transform((e) => [e]), z.array(ExtensionRef).min(1)]),
    heard: HeardItem,
    not_heard: HeardItem,
    voicemail: VoicemailSaved,
    email: EmailSent,
    ended: Ended,
    /** How the caller left an IVR menu: by a key, or by its fallback. */
    menu_choice: MenuChoiceMade,
    /** Which branch opening hours took. */
    opening_hours: OpeningHoursBranch,
  },
  { within: Duration.optional() },
);
export type Expectation = z.output<typeof Expectation>;
export type ExpectationKind = Expectation['kind'];

export const Scenario = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** The incoming number the caller dials, as the public caller page does. */
    dial: DialledNumber,
    caller: z.array(Action).default([]),
    users: z.array(UserActor).default([]),
    expect: z.array(Expectation).min(1, 'at least one expectation: a scenario that checks nothing proves nothing'),
    /**
     * The PBX's clock for this call (its test clock: embedded runs have one; a running PBX needs
     * TEST_CLOCK=1), for opening hours. Such a scenario runs alone.
     */
    clock: z.iso.datetime({ offset: true, message: 'a date and time with its offset, such as "2026-12-25T10:00:00+01:00"' }).optional(),
    /** The whole scenario, dial to last check; the call is hung up when it runs out. */
    timeout: Duration.default(120_000),
  })
  .strict()
  .superRefine((scenario, ctx) => {
    const seen = new Set<string>();
    scenario.users.forEach((actor, index) => {
      if (seen.has(actor.user)) ctx.addIssue({ code: 'custom', message: `user ${actor.user} is listed twice`, path: ['users', index, 'user'] });
      seen.add(actor.user);
    });
  });
export type Scenario = z.output<typeof Scenario>;

const ScenarioFile = z.union([z.object({ scenarios: z.array(z.unknown()).min(1) }).strict(), z.record(z.string(), z.unknown())]);

// --- reading files ---

export interface LoadedScenario {
  file: string;
  /** Index in the file (0 when the file holds one scenario). */
  index: number;
  scenario: Scenario;
}

export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  /** e.g. `caller[2].press` */
  field: string;
  message: string;
}

export class ScenarioFileError extends Error {
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(problem: ScenarioProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

export async function loadScenarioFile(file: string): Promise<LoadedScenario[]> {
  return parseScenarios(await readFile(file, 'utf8'), file);
}

/** Parses a scenario file's text; throws ScenarioFileError listing every problem with its line. */
export function parseScenarios(text: string, file: string): LoadedScenario[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate = (offset: number | undefined) => {
    const position = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  if (document.errors.length > 0) {
    throw new ScenarioFileError(document.errors.map((error) => ({ file, ...locate(error.pos[0]), field: '', message: `not valid YAML: ${firstLine(error.message)}` })));
  }
  const raw: unknown = document.toJS();
  const shape = ScenarioFile.safeParse(raw);
  if (!shape.success || raw === null) {
    throw new ScenarioFileError([{ file, line: 1, column: 1, field: '', message: 'a scenario (name, dial, caller, users, expect) or a list of them under `scenarios:`' }]);
  }
  const several = isMap(document.contents) && document.has('scenarios');
  const items: { value: unknown; path: (string | number)[] }[] = several
    ? (raw as { scenarios: unknown[] }).scenarios.map((value, index) => ({ value, path: ['scenarios', index] }))
    : [{ value: raw, path: [] }];
  const problems: ScenarioProblem[] = [];
  const loaded: LoadedScenario[] = [];
  items.forEach(({ value, path }, index) => {
    const parsed = Scenario.safeParse(value);
    if (parsed.success) {
      loaded.push({ file, index, scenario: parsed.data });
      return;
    }
    for (const issue of parsed.error.issues) {
      // An unknown field is shown where it is written.
      const unknownKey = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [issue.keys[0]!] : [];
      const issuePath = [...path, ...(issue.path as (string | number)[]), ...unknownKey];
      problems.push({ file, ...locate(offsetOf(document, issuePath)), field: fieldName(issuePath), message: issueMessage(issue) });
    }
  });
  if (problems.length > 0) throw new ScenarioFileError(problems);
  return loaded;
}

/** Where the value at `path` starts in the text; the nearest parent that exists if it is missing. */
function offsetOf(document: Document, path: (string | number)[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}

/** `caller[2].press`, as a person reads the file. */
export function fieldName(path: (string | number)[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
