// Text to speech for audio messages, and the stored audio files (docs/API.md: Audio messages).
// Admins only: mounted behind requireAdmin.
import { Router, type Request, type Response } from 'express';
import { access } from 'node:fs/promises';
import { z } from 'zod';
import type { AudioStore } from '../../data/audio-store.ts';
import type { ConfigStore } from '../../data/config-store.ts';
import { LANGUAGE_NAMES, LANGUAGES } from '../../data/schema.ts';
import { ACCENT_LANGUAGES } from '../../media/tts/accent.ts';
import { TextMessageBusy, TextMessageRefused, type TextMessages, type TextMessageRequest } from '../audio-messages/text-messages.ts';
import { adminName, expectedRevision } from './draft-routes.ts';
import { HttpError } from './errors.ts';
import { publicEntity } from './public-config.ts';

export interface TextMessageRouteDeps {
  textMessages: TextMessages;
  store: ConfigStore;
  audio: Pick<AudioStore, 'pathOf'>;
  /** Starts the speech thread, so the first Generate does not wait for it. */
  warmUp(): void;
}

const SpeechInput = z.object({
  text: z.string(),
  voice: z.string().min(1, 'required'),
  language: z.enum(ACCENT_LANGUAGES).nullish(),
});

const SaveInput = z.object({ fileId: z.string().min(1, 'required') });

function requestOf(body: unknown): TextMessageRequest {
  const { text, voice, language } = SpeechInput.parse(body);
  return { text, voice, language: language ?? undefined };
}

function refused(error: unknown): never {
  if (error instanceof TextMessageRefused) throw new HttpError(400, 'Invalid request body', { fields: [{ field: error.field, message: error.message }] });
  if (error instanceof TextMessageBusy) throw new HttpError(503, error.message);
  throw error;
}

export function textMessageRoutes(deps: TextMessageRouteDeps): Router {
  const router = Router();
  const { textMessages } = deps;

  router.get('/text-to-speech/voices', (_request, response) => {
    deps.warmUp();
    response.json({
      voices: textMessages.voices.map(({ id, name, language, gender }) => ({ id, name, language, gender })),
      languages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    });
  });

  router.post('/text-to-speech/plan', (request, response) => {
    let plan;
    try {
      plan = textMessages.plan(requestOf(request.body));
    } catch (error) {
      refused(error);
    }
    response.json({ voice: plan.voice.id, voiceLanguage: plan.voice.language, detectedLanguage: plan.detectedLanguage, language: plan.language, accent: plan.accent, reading: plan.reading });
  });

  // The answer streams as lines of JSON (application/x-ndjson): {"progress":0.4} as sentences are
  // spoken, then {"preview":{...}} or {"error":"..."}. Bad input is refused before the stream starts.
  router.post('/text-to-speech/previews', async (request, response) => {
    const input = requestOf(request.body);
    try {
      textMessages.check(input);
    } catch (error) {
      refused(error);
    }
    response.status(200).type('application/x-ndjson').setHeader('Cache-Control', 'no-store');
    response.flushHeaders();
    const line = (value: object) => response.write(`${JSON.stringify(value)}\n`);
    let lastProgress = -1;
    try {
      const preview = await textMessages.generate(input, (fraction) => {
        const rounded = Math.round(fraction * 100) / 100;
        if (rounded > lastProgress) line({ progress: (lastProgress = rounded) });
      });
      line({ preview: { ...preview, audioUrl: `/api/audio/${preview.fileId}` } });
    } catch (error) {
      line({ error: error instanceof Error ? error.message : String(error) });
    }
    response.end();
  });

  router.put('/draft/audio-messages/:id/text', async (request, response) => {
    const { fileId } = SaveInput.parse(request.body);
    const fields = textMessages.savedFields(fileId);
    // A preview nobody saved is swept after a while (with every file no version refers to).
    const stillStored = fields !== null && (await access(deps.audio.pathOf(fileId)).then(() => true, () => false));
    if (!fields || !stillStored) throw new HttpError(409, 'This preview is no longer available: generate it again, then save', { fields: [{ field: 'fileId', message: 'unknown preview' }] });
    const { id } = request.params;
    const draft = await deps.store.editDraft(adminName(response), expectedRevision(request), (config) => {
      if (!config.audioMessages.some((m) => m.id === id)) throw new HttpError(404, `No audio message with id ${id}`);
      return { ...config, audioMessages: config.audioMessages.map((m) => (m.id === id ? { ...m, ...fields } : m)) };
    });
    response.json({ revision: draft.revision, pendingChanges: deps.store.pendingChanges().length, entity: publicEntity(draft.config.audioMessages.find((m) => m.id === id)!) });
  });

  /** A stored audio file (a message's audio, a preview): Ogg Opus, never anything a browser would run. */
  router.get('/audio/:fileId', (request: Request, response: Response, next) => {
    let path: string;
    try {
      path = deps.audio.pathOf(request.params.fileId as string);
    } catch {
      throw new HttpError(404, 'No such audio file');
    }
    response.sendFile(
      path,
      { headers: { 'Content-Type': 'audio/ogg', 'Content-Disposition': 'inline; filename="message.ogg"', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, max-age=3600, immutable' } },
      (error) => {
        if (!error || response.headersSent) return;
        next((error as NodeJS.ErrnoException).code === 'ENOENT' ? new HttpError(404, 'No such audio file') : error);
      },
    );
  });

  return router;
}
