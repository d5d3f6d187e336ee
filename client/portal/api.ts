// The portal's only door to the server: one typed function per route of docs/API.md. Errors come back
// as ApiError carrying what the server said (per-field messages, Apply problems, lock time).
import type { AudioMessage, ConferenceRoom, IncomingNumber, IvrMenu, OpeningHours, PbxConfig, Settings, User, VoicemailBox } from '../../data/schema.ts';
import type { OpeningState, WallClock } from '../../data/opening-hours.ts';
import type { Change } from '../../data/diff.ts';
import type { MessageCounts } from '../../data/voicemail-store.ts';
import type { Notice } from '../../server/notifications/outbox.ts';
import type { MessageView, NoticeSummary } from '../../server/http/voicemail-routes.ts';
import type { NumberSms, SmsView } from '../../server/http/sms-routes.ts';
import type { RecordingCallStatus } from '../../server/calls/message-recording-calls.ts';

export type { MessageCounts, MessageView, NoticeSummary, NumberSms, SmsView, RecordingCallStatus };

/** One box's messages as the portal lists them (docs/API.md: Voicemail (admin)). */
export interface BoxMessages {
  box: { id: string; name: string | null };
  counts: MessageCounts;
  messages: MessageView[];
}

export interface OutboxList {
  smtpConfigured: boolean;
  notConfiguredText: string;
  notices: NoticeSummary[];
}

/** A notice in full: its body and what the SMTP server said. */
export type NoticeDetails = Omit<Notice, 'attachments'> & Pick<NoticeSummary, 'attachments'>;

/** Users as the API shows them: never with their password hash. */
export type PortalUser = Omit<User, 'passwordHash'>;
export type PortalConfig = Omit<PbxConfig, 'users'> & { users: PortalUser[] };

export interface Session {
  kind: 'admin' | 'user';
  name: string;
}

export interface Draft {
  revision: number;
  baseVersion: number;
  updatedAt: string;
  updatedBy: string;
  pendingChanges: number;
  config: PortalConfig;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  path: string;
  message: string;
}

export interface WriteResult {
  revision: number;
  pendingChanges: number;
}

export interface EntityWriteResult<E> extends WriteResult {
  entity: E;
}

export interface VersionSummary {
  version: number;
  appliedAt: string;
  appliedBy: string;
}

export interface AppliedVersion extends VersionSummary {}

export interface ProductionSnapshot extends VersionSummary {
  config: PortalConfig;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
    readonly problems: Problem[] = [],
    readonly lockedUntil: string | null = null,
  ) {
    super(message);
  }
}

/** What each collection's body looks like when written (ids are the server's business). */
export interface UserInput {
  name: string;
  email: string;
  extension: string;
  password: string;
  voicemail: boolean;
  forwardings: User['forwardings'];
}
/** Without `pin`, a new box gets a random PIN and an edited box keeps its own. */
export type VoicemailBoxInput = Pick<VoicemailBox, 'name' | 'email' | 'enabled' | 'greeting' | 'limits'> & { pin?: string };
export type IncomingNumberInput = Omit<IncomingNumber, 'id'>;
export type AudioMessageInput = Pick<AudioMessage, 'name'>;
export type IvrMenuInput = Omit<IvrMenu, 'id'>;
export type OpeningHoursInput = Omit<OpeningHours, 'id'>;

/** GET /api/opening-hours/now: the branch each schedule of the draft takes at the PBX's clock. */
export interface OpeningHoursNow {
  at: string;
  timeZone: string;
  local: WallClock;
  openingHours: (OpeningState & { id: string })[];
}
export type ConferenceRoomInput = Omit<ConferenceRoom, 'id'>;

interface CollectionTypes {
  users: { entity: PortalUser; input: UserInput };
  'voicemail-boxes': { entity: VoicemailBox; input: VoicemailBoxInput };
  'incoming-numbers': { entity: IncomingNumber; input: IncomingNumberInput };
  'audio-messages': { entity: AudioMessage; input: AudioMessageInput };
  'ivr-menus': { entity: IvrMenu; input: IvrMenuInput };
  'conference-rooms': { entity: ConferenceRoom; input: ConferenceRoomInput };
  'opening-hours': { entity: OpeningHours; input: OpeningHoursInput };
}
export type CollectionPath = keyof CollectionTypes;

export interface PortalApiOptions {
  /** Called when the server says the session is gone (expired, logged out elsewhere). */
  onUnauthorized(): void;
}

interface RequestOptions {
  body?: unknown;
  /** Sent as it is, with its own type (an audio recording), instead of a JSON body. */
  file?: Blob;
  /** The draft revision this write is based on: sent as If-Match so a stale write is refused. */
  ifMatch?: number;
}

export type PortalApi = ReturnType<typeof createPortalApi>;

export function createPortalApi(options: PortalApiOptions) {
  async function request<T>(method: string, path: string, { body, file, ifMatch }: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (file) headers['Content-Type'] = file.type;
    if (ifMatch !== undefined) headers['If-Match'] = String(ifMatch);
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
    }
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok) {
      const error = new ApiError(
        response.status,
        typeof payload?.error === 'string' ? payload.error : `The server answered ${response.status}`,
        Array.isArray(payload?.fields) ? (payload.fields as FieldError[]) : [],
        Array.isArray(payload?.problems) ? (payload.problems as Problem[]) : [],
        typeof payload?.lockedUntil === 'string' ? payload.lockedUntil : null,
      );
      if (response.status === 401 && path !== '/api/session') options.onUnauthorized();
      throw error;
    }
    return payload as T;
  }

  const collection = <P extends CollectionPath>(path: P) => ({
    create: (input: CollectionTypes[P]['input'], revision: number) =>
      request<EntityWriteResult<CollectionTypes[P]['entity']>>('POST', `/api/draft/${path}`, { body: input, ifMatch: revision }),
    update: (id: string, input: CollectionTypes[P]['input'], revision: number) =>
      request<EntityWriteResult<CollectionTypes[P]['entity']>>('PUT', `/api/draft/${path}/${encodeURIComponent(id)}`, {
        body: input,
        ifMatch: revision,
      }),
    remove: (id: string, revision: number) =>
      request<WriteResult>('DELETE', `/api/draft/${path}/${encodeURIComponent(id)}`, { ifMatch: revision }),
  });

  return {
    getSession: () => request<Session>('GET', '/api/session'),
    login: (name: string, password: string) => request<Session>('POST', '/api/session', { body: { name, password } }),
    logout: () => request<void>('DELETE', '/api/session'),

    getDraft: () => request<Draft>('GET', '/api/draft'),
    getChanges: () => request<{ revision: number; changes: Change[] }>('GET', '/api/draft/changes'),
    saveSettings: (settings: Settings, revision: number) =>
      request<WriteResult & { settings: Settings }>('PUT', '/api/draft/settings', { body: settings, ifMatch: revision }),
    users: collection('users'),
    voicemailBoxes: collection('voicemail-boxes'),
    incomingNumbers: collection('incoming-numbers'),
    audioMessages: collection('audio-messages'),
    ivrMenus: collection('ivr-menus'),
    conferenceRooms: collection('conference-rooms'),
    openingHours: collection('opening-hours'),
    openingHoursNow: () => request<OpeningHoursNow>('GET', '/api/opening-hours/now'),
    apply: (revision: number) => request<AppliedVersion>('POST', '/api/draft/apply', { body: {}, ifMatch: revision }),
    discard: (revision: number) => request<WriteResult>('POST', '/api/draft/discard', { body: {}, ifMatch: revision }),

    // Recording an audio message: the PBX calls an extension, or the browser uploads its recording.
    callToRecord: (messageId: string, extension: string) =>
      request<RecordingCallStatus>('POST', `/api/draft/audio-messages/${encodeURIComponent(messageId)}/phone-calls`, { body: { extension } }),
    recordingCall: (messageId: string, callId: string) =>
      request<RecordingCallStatus>('GET', `/api/draft/audio-messages/${encodeURIComponent(messageId)}/phone-calls/${encodeURIComponent(callId)}`),
    endRecordingCall: (messageId: string, callId: string) =>
      request<void>('DELETE', `/api/draft/audio-messages/${encodeURIComponent(messageId)}/phone-calls/${encodeURIComponent(callId)}`),
    uploadRecording: (messageId: string, recording: Blob, revision: number) =>
      request<EntityWriteResult<AudioMessage>>('PUT', `/api/draft/audio-messages/${encodeURIComponent(messageId)}/recording`, { file: recording, ifMatch: revision }),

    getVersions: () => request<{ production: number; versions: VersionSummary[] }>('GET', '/api/versions'),
    restoreVersion: (version: number, revision: number) =>
      request<WriteResult>('POST', `/api/versions/${version}/restore`, { body: {}, ifMatch: revision }),
    getProduction: () => request<ProductionSnapshot>('GET', '/api/production'),

    voicemailCounts: () => request<{ counts: Record<string, MessageCounts> }>('GET', '/api/voicemail/counts'),
    boxMessages: (boxId: string) => request<BoxMessages>('GET', `/api/voicemail/boxes/${encodeURIComponent(boxId)}/messages`),
    getOutbox: () => request<OutboxList>('GET', '/api/outbox'),
    getNotice: (id: string) => request<NoticeDetails>('GET', `/api/outbox/${encodeURIComponent(id)}`),
    retryOutbox: () => request<{ pending: number }>('POST', '/api/outbox/retry', { body: {} }),
    numberSms: (numberId: string) => request<NumberSms>('GET', `/api/sms/numbers/${encodeURIComponent(numberId)}`),
  };
}
