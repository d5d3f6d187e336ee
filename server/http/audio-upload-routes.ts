// Uploads of audio files into the draft: the music on hold, and an audio message's audio. The
// file is streamed to disk, judged by its content and encoded once on a worker thread
// (media/audio/upload-encoding.ts), stored in the AudioStore, and only then does the draft change:
// a refused file (415 not MP3 or WAV, 422 truncated or empty, 413 too large) changes nothing.
import { Router, type Request, type Response } from 'express';
import type { AudioStore } from '../../data/audio-store.ts';
import type { ConfigStore } from '../../data/config-store.ts';
import { upsertEntity } from '../../data/draft-edits.ts';
import { StaleDraftError } from '../../data/config-store.ts';
import { AudioFileRejected, type RejectionReason } from '../../media/audio/audio-file-rejected.ts';
import type { EncodedUpload, UploadEncodingOptions } from '../../media/audio/upload-encoding.ts';
import { MUSIC_LOUDNESS, VOICE_LOUDNESS } from '../../media/audio/waiting-loop.ts';
import { adminName, expectedRevision } from './draft-routes.ts';
import { HttpError } from './errors.ts';
import { receiveUpload, type ReceivedUpload, type UploadLimits } from './upload-receiver.ts';

export interface AudioUploadDeps {
  store: ConfigStore;
  audio: AudioStore;
  limits: UploadLimits;
  /** Longest audio taken, in seconds. */
  maxSeconds: number;
  /** Judges, decodes and encodes the file (on a worker thread in the server). */
  encode(path: string, options: UploadEncodingOptions): Promise<EncodedUpload>;
}

const STATUS_OF: Record<RejectionReason, number> = { 'not-mp3-or-wav': 415, unreadable: 422, 'too-large': 413 };

export function audioUploadRoutes(deps: AudioUploadDeps): Router {
  const router = Router();
  const { store } = deps;
  const summary = () => ({ revision: store.draft.revision, pendingChanges: store.pendingChanges().length });

  router.post('/music-on-hold', async (request, response) => {
    const { upload, encoded, fileId } = await receiveAndStore(deps, request, {
      maxSeconds: deps.maxSeconds,
      loudness: MUSIC_LOUDNESS,
      opus: { application: 'audio' },
    });
    const musicOnHold = { type: 'upload' as const, fileId, name: upload.filename, durationMs: encoded.clip.durationMs };
    await store.editDraft(adminName(response), expectedRevision(request), (config) => ({ ...config, musicOnHold }));
    response.json({ ...summary(), musicOnHold, description: encoded.description });
  });

  /** The draft's music, to listen to in the portal; 404 while it is the built-in music. */
  router.get('/music-on-hold/audio', (_request, response) => {
    const music = store.draft.config.musicOnHold;
    if (music.type !== 'upload') throw new HttpError(404, 'The music on hold is the built-in music: there is no uploaded file');
    return sendOggOpus(response, deps.audio.pathOf(music.fileId));
  });

  router.post('/audio-messages/:id/upload', async (request, response) => {
    const { id } = request.params;
    const missing = () => new HttpError(404, `No audio message with id ${id}`);
    if (!store.draft.config.audioMessages.some((m) => m.id === id)) throw missing();
    const { encoded, fileId } = await receiveAndStore(deps, request, {
      maxSeconds: deps.maxSeconds,
      loudness: VOICE_LOUDNESS,
      opus: { application: 'voip' },
    });
    const draft = await store.editDraft(adminName(response), expectedRevision(request), (config) => {
      const message = config.audioMessages.find((m) => m.id === id);
      if (!message) throw missing();
      return upsertEntity(config, 'audioMessages', { ...message, source: 'upload', fileId, durationMs: encoded.clip.durationMs, voice: null, text: null, textLanguage: null });
    });
    response.json({ ...summary(), entity: draft.config.audioMessages.find((m) => m.id === id), description: encoded.description });
  });

  return router;
}

/**
 * Receives, judges, encodes and stores one upload; the temporary file is gone afterwards, whatever
 * happened. A stale If-Match is refused before the file is even read.
 */
async function receiveAndStore(
  deps: AudioUploadDeps,
  request: Request,
  options: UploadEncodingOptions,
): Promise<{ upload: ReceivedUpload; encoded: EncodedUpload; fileId: string }> {
  const revision = expectedRevision(request);
  const draft = deps.store.draft;
  if (revision !== undefined && revision !== draft.revision) {
    throw new StaleDraftError(
      `The draft was changed by ${draft.updatedBy} at ${draft.updatedAt} since you loaded it (your revision ${revision}, now ${draft.revision}). Reload and upload again.`,
      draft.updatedBy,
      draft.updatedAt,
    );
  }
  const upload = await receiveUpload(request, deps.limits);
  try {
    const encoded = await deps.encode(upload.path, options).catch((error: unknown) => {
      if (error instanceof AudioFileRejected) throw new HttpError(STATUS_OF[error.reason], error.message);
      throw error;
    });
    const { fileId } = await deps.audio.save(encoded.clip, { TITLE: upload.filename });
    return { upload, encoded, fileId };
  } finally {
    await upload.discard();
  }
}

function sendOggOpus(response: Response, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    response.sendFile(
      path,
      {
        headers: {
          'Content-Type': 'audio/ogg',
          'Content-Disposition': 'inline; filename="music-on-hold.ogg"',
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, no-cache',
        },
      },
      (error) => {
        if (!error || response.headersSent) return resolve();
        reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new HttpError(404, 'The music file is missing') : error);
      },
    );
  });
}
