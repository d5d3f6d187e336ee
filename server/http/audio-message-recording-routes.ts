// Giving an audio message its audio by recording it: the PBX calls an extension (the dialog then
// polls the call's status), or the browser uploads what it recorded (Ogg Opus). Both change the draft.
import cookieParser from 'cookie-parser';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { RecordingRejected, UnknownAudioMessage, type AudioMessageRecordingStore } from '../../data/audio-message-recordings.ts';
import type { ConfigStore } from '../../data/config-store.ts';
import { Extension } from '../../data/schema.ts';
import type { Sessions } from '../auth/sessions.ts';
import { RecordingCallRefused, type MessageRecordingCalls } from '../calls/message-recording-calls.ts';
import { adminName, expectedRevision } from './draft-routes.ts';
import { HttpError } from './errors.ts';
import { loadSession, requireAdmin } from './session-routes.ts';

/** A 5-minute recording at opus-recorder's 32 kb/s is ~1.2 MB; this leaves room for higher rates. */
export const MAX_RECORDING_UPLOAD_BYTES = 5 * 1024 * 1024;

const PhoneCallRequest = z.object({ extension: Extension });

const REFUSAL_STATUS: Record<RecordingCallRefused['reason'], number> = {
  'unknown-message': 404,
  'unknown-extension': 404,
  busy: 409,
  'not-signed-in': 409,
};

/** /api/draft/audio-messages/:id/phone-calls: the PBX calls an extension to record the message. */
export function phoneRecordingRoutes(calls: MessageRecordingCalls): Router {
  const router = Router();
  router.post('/:id/phone-calls', async (request, response) => {
    const { extension } = PhoneCallRequest.parse(request.body);
    try {
      response.status(202).json(await calls.start({ audioMessageId: request.params.id, extension, by: adminName(response) }));
    } catch (error) {
      if (error instanceof RecordingCallRefused) throw new HttpError(REFUSAL_STATUS[error.reason], error.message, { reason: error.reason });
      throw error;
    }
  });
  router.get('/:id/phone-calls/:callId', (request, response) => {
    const status = calls.status(request.params.callId);
    if (!status || status.audioMessageId !== request.params.id) throw new HttpError(404, `No recording call ${request.params.callId} for this message`);
    response.json(status);
  });
  router.delete('/:id/phone-calls/:callId', (request, response) => {
    const status = calls.status(request.params.callId);
    if (!status || status.audioMessageId !== request.params.id) throw new HttpError(404, `No recording call ${request.params.callId} for this message`);
    calls.hangUp(request.params.callId);
    response.status(204).end();
  });
  return router;
}

/**
 * PUT /api/draft/audio-messages/:id/recording with the Ogg Opus bytes as the body. Mounted before
 * the API's JSON-only check, so it brings its own session check.
 */
export function recordingUploadRoutes(deps: { sessions: Sessions; store: ConfigStore; recordings: AudioMessageRecordingStore }): Router {
  const router = Router();
  router.put('/:id/recording', cookieParser(), loadSession(deps.sessions), requireAdmin, async (request, response) => {
    const revision = expectedRevision(request);
    const bytes = await readBody(request, MAX_RECORDING_UPLOAD_BYTES);
    try {
      const { message, draft } = await deps.recordings.saveUpload(bytes, request.params.id as string, adminName(response), revision);
      response.json({ revision: draft.revision, pendingChanges: deps.store.pendingChanges().length, entity: message });
    } catch (error) {
      if (error instanceof RecordingRejected) throw new HttpError(error.status, error.message);
      if (error instanceof UnknownAudioMessage) throw new HttpError(404, error.message);
      throw error;
    }
  });
  return router;
}

/** The whole body, refused with 413 as soon as it is known to be over `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `The recording is larger than ${limit / 1024 / 1024} MB`);
  if (Number(request.get('content-length') ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
