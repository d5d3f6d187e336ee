// The portal's calls for text messages (docs/API.md: Audio messages): voices, what will happen to a
// text, generation read as it streams (its progress), and Save into the draft.
import type { AudioMessage } from '../../data/schema.ts';
import { ApiError, type EntityWriteResult, type FieldError } from './api.ts';

export type SpeechLanguage = 'fr' | 'en' | 'es' | 'de';

export interface VoiceChoice {
  id: string;
  name: string;
  language: SpeechLanguage;
  gender: 'male' | 'female';
}

export interface ReadingPlan {
  voice: string;
  voiceLanguage: SpeechLanguage;
  detectedLanguage: SpeechLanguage | null;
  language: SpeechLanguage;
  accent: boolean;
  /** "English text, read with a French accent". */
  reading: string;
}

export interface SpeechPreview {
  fileId: string;
  durationMs: number;
  language: SpeechLanguage;
  reading: string;
  audioUrl: string;
}

export interface SpeechInput {
  text: string;
  voice: string;
  /** The admin's choice; null: as detected. */
  language: SpeechLanguage | null;
}

async function failure(response: Response): Promise<ApiError> {
  const payload = (await response.json().catch(() => null)) as { error?: string; fields?: FieldError[] } | null;
  return new ApiError(response.status, payload?.error ?? `The server answered ${response.status}`, payload?.fields ?? []);
}

async function send(method: string, path: string, body?: unknown, ifMatch?: number): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (ifMatch !== undefined) headers['If-Match'] = String(ifMatch);
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
}

async function json<T>(method: string, path: string, body?: unknown, ifMatch?: number): Promise<T> {
  const response = await send(method, path, body, ifMatch);
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const textToSpeech = {
  voices: () => json<{ voices: VoiceChoice[]; languages: { code: SpeechLanguage; name: string }[] }>('GET', '/api/text-to-speech/voices'),
  plan: (input: SpeechInput) => json<ReadingPlan>('POST', '/api/text-to-speech/plan', input),

  /** Speaks the text on the server; `onProgress` gets 0-1 as the lines of the answer arrive. */
  async generate(input: SpeechInput, onProgress: (fraction: number) => void): Promise<SpeechPreview> {
    const response = await send('POST', '/api/text-to-speech/previews', input);
    if (!response.ok || !response.body) throw await failure(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      buffered += value ?? '';
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        const message = JSON.parse(line) as { progress?: number; preview?: SpeechPreview; error?: string };
        if (message.progress !== undefined) onProgress(message.progress);
        if (message.preview) return message.preview;
        if (message.error) throw new ApiError(500, `The message could not be spoken: ${message.error}`);
      }
      if (done) throw new ApiError(0, 'The server stopped answering before the message was ready. Try again.');
    }
  },

  save: (messageId: string, fileId: string, revision: number) =>
    json<EntityWriteResult<AudioMessage>>('PUT', `/api/draft/audio-messages/${encodeURIComponent(messageId)}/text`, { fileId }, revision),
};
