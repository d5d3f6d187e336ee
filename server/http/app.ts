// The HTTP side of the PBX: the portal's API and the built browser apps.
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallHistory } from '../../data/call-history.ts';
import type { ConfigStore } from '../../data/config-store.ts';
import type { AdminAccounts } from '../auth/admin-accounts.ts';
import type { LoginGuard } from '../auth/login-guard.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Logger } from '../logger.ts';
import { callTraceRoutes, type CallTraceReader } from './call-trace-routes.ts';
import { audioUploadRoutes, type AudioUploadDeps } from './audio-upload-routes.ts';
import type { Clock } from '../calls/ports.ts';
import type { SettableClock } from '../clock.ts';
import { draftRoutes } from './draft-routes.ts';
import { openingHoursRoutes } from './opening-hours-routes.ts';
import { testClockRoutes } from './test-clock-routes.ts';
import { errorHandler, HttpError, notFound } from './errors.ts';
import { phoneRoutes } from './phone-routes.ts';
import { publicRoutes } from './public-routes.ts';
import { statusRoutes, type PbxStatus } from './status-routes.ts';
import { loadSession, requireAdmin, requireSession, sessionRoutes } from './session-routes.ts';
import { versionRoutes } from './version-routes.ts';
// --- voicemail messages and e-mail notices ---
import { voicemailRoutes, type VoicemailRouteDeps } from './voicemail-routes.ts';
// --- incoming SMS ---
import { smsAdminRoutes, smsWebhookRoutes, type SmsAdminDeps, type SmsWebhookDeps } from './sms-routes.ts';
// --- recording audio messages (by phone, in the browser) ---
import type { AudioMessageRecordingStore } from '../../data/audio-message-recordings.ts';
import type { MessageRecordingCalls } from '../calls/message-recording-calls.ts';
import { phoneRecordingRoutes, recordingUploadRoutes } from './audio-message-recording-routes.ts';

import { textMessageRoutes, type TextMessageRouteDeps } from './text-message-routes.ts';

export interface AppDeps {
  store: ConfigStore;
  callHistory: CallHistory;
  admins: AdminAccounts;
  sessions: Sessions;
  accountGuard: LoginGuard;
  addressGuard: LoginGuard;
  logger: Logger;
  /** The vite build output (dist/). */
  clientDir: string;
  sessionHours: number;
  secureCookies: boolean;
  status: () => PbxStatus;
  /** Music on hold and audio message uploads. */
  audioUploads: Omit<AudioUploadDeps, 'store'>;
  textMessages: TextMessageRouteDeps;
  /** Each call's steps, prompts and keys, for admins and the call-flow runner. */
  callTraces: CallTraceReader;
  /** The PBX's time (opening hours). */
  clock: Clock;
  /** Only when TEST_CLOCK=1: the clock tests may set through /api/test/clock. */
  testClock?: SettableClock;
  // --- voicemail messages and e-mail notices ---
  voicemail: Omit<VoicemailRouteDeps, 'production' | 'draft'>;
  // --- incoming SMS ---
  sms: SmsWebhookDeps & Omit<SmsAdminDeps, 'production' | 'draft'>;
  // --- recording audio messages ---
  messageRecording: { calls: MessageRecordingCalls; recordings: AudioMessageRecordingStore };
}

const JSON_BODY_LIMIT = '100kb';

/** A body that is not JSON is refused before any route sees it. */
/** The routes that take a multipart upload, as seen from /api. */
const MULTIPART_ROUTES = /^\/draft\/(music-on-hold|audio-messages\/[^/]+\/upload)$/;

const requireJsonBody: RequestHandler = (request, _response, next) => {
  const hasBody = Number(request.get('content-length') ?? 0) > 0 || request.get('transfer-encoding') !== undefined;
  // Audio uploads stream their own multipart bodies (audio-upload-routes.ts); nothing else takes one.
  const upload = request.method === 'POST' && MULTIPART_ROUTES.test(request.path) && request.is('multipart/form-data');
  if (hasBody && !request.is('application/json') && !upload) next(new HttpError(415, 'Request body must be JSON (Content-Type: application/json)'));
  else next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Recording in the browser (opus-recorder): libopus is WebAssembly in an audio worklet, which
  // needs 'wasm-unsafe-eval' (no JavaScript eval), and the recording is heard from a blob: URL.
  app.use(helmet({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'wasm-unsafe-eval'"], mediaSrc: ["'self'", 'blob:'] } } }));

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', productionVersion: deps.store.production.version });
  });

  // --- incoming SMS: the webhook reads its raw body (the signature covers it), before the API's JSON parser ---
  app.use('/api/sms/inbound', smsWebhookRoutes(deps.sms));

  // An uploaded recording is Ogg Opus, not JSON: its route comes before the API's JSON-only check.
  app.use('/api/draft/audio-messages', recordingUploadRoutes({ sessions: deps.sessions, store: deps.store, recordings: deps.messageRecording.recordings }));
  const api = express.Router();
  api.use(requireJsonBody, express.json({ limit: JSON_BODY_LIMIT }), cookieParser(), loadSession(deps.sessions));
  api.use(sessionRoutes(deps));
  // --- voicemail messages and e-mail notices: /phone/voicemail (user), /voicemail and /outbox (admin) ---
  api.use(voicemailRoutes({ ...deps.voicemail, production: () => deps.store.production.config, draft: () => deps.store.draft.config }));
  api.use('/sms', requireAdmin, smsAdminRoutes({ ...deps.sms, production: () => deps.store.production.config, draft: () => deps.store.draft.config })); // incoming SMS
  api.use('/public', publicRoutes(deps.store));
  api.use('/phone', requireSession, phoneRoutes(deps.callHistory));
  api.use('/draft/audio-messages', requireAdmin, phoneRecordingRoutes(deps.messageRecording.calls));
  api.use('/draft', requireAdmin, audioUploadRoutes({ ...deps.audioUploads, store: deps.store }), draftRoutes(deps.store));
  api.use(requireAdmin, versionRoutes(deps.store), statusRoutes(deps.status), callTraceRoutes(deps.callTraces));
  api.use(requireAdmin, textMessageRoutes(deps.textMessages)); // audio messages: text to speech, stored audio files
  api.use(requireAdmin, openingHoursRoutes(() => deps.store.draft.config, deps.clock));
  if (deps.testClock) api.use(requireAdmin, testClockRoutes(deps.testClock));
  api.use(notFound);
  app.use('/api', api);

  app.use(clientApps(deps.clientDir));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Serves the built apps from dist/: the portal (/portal/), the softphone (/phone/), the public caller page (/call/). */
function clientApps(clientDir: string): express.Router {
  const router = express.Router();
  if (!existsSync(join(clientDir, 'portal', 'index.html'))) {
    router.get(['/', '/portal/'], (_request, response) => {
      response.status(503).type('text/plain').send('The portal is not built yet: run `npm run build` (npm start does it).');
    });
    return router;
  }
  router.get('/', (_request, response) => response.redirect('/portal/'));
  router.use(express.static(clientDir, { index: 'index.html', redirect: true }));
  return router;
}
