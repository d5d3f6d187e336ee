// TextMessages with a fake speech thread and a real AudioStore: what is refused before any work
// (unknown voice, too long, no words, busy), and a generation stored as a preview that Save knows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AudioStore } from '../../../data/audio-store.ts';
import { sineTone } from '../../../media/audio/wav.ts';
import type { CatalogueVoice } from '../../../media/tts/voice-catalogue.ts';
import { TextMessageBusy, TextMessageRefused, TextMessages } from '../../../server/audio-messages/text-messages.ts';

const VOICES: CatalogueVoice[] = [{ id: 'roa/fr+f3', name: 'French (France), female', language: 'fr', espeakVoice: 'roa/fr', variant: 'f3', gender: 'female' }];

test('refusals come before any work; a generation becomes a preview that Save can use', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'text-messages-'));
  try {
    const jobs: unknown[] = [];
    const speech = {
      pending: 0,
      async speak(job: unknown, onProgress?: (fraction: number) => void) {
        jobs.push(job);
        onProgress?.(0.5);
        onProgress?.(1);
        return sineTone(300, 2, 48000);
      },
    };
    const messages = new TextMessages({ voices: VOICES, speech, audio: new AudioStore(directory) });
    const refusedField = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        return error instanceof TextMessageRefused ? error.field : String(error);
      }
      return 'accepted';
    };
    assert.is(refusedField(() => messages.check({ text: 'Bonjour', voice: 'gmw/en' })), 'voice');
    assert.is(refusedField(() => messages.check({ text: 'a'.repeat(5001), voice: 'roa/fr+f3' })), 'text');
    assert.is(refusedField(() => messages.check({ text: '12 !', voice: 'roa/fr+f3' })), 'accepted', 'digits are words to read');
    assert.is(refusedField(() => messages.check({ text: ' ... ', voice: 'roa/fr+f3' })), 'text');
    speech.pending = 4;
    assert.throws(() => messages.check({ text: 'Bonjour', voice: 'roa/fr+f3' }), (error: unknown) => error instanceof TextMessageBusy);
    speech.pending = 0;

    const progress: number[] = [];
    const preview = await messages.generate({ text: 'Thank you for calling, our offices are closed.', voice: 'roa/fr+f3' }, (p) => progress.push(p));
    assert.equal(jobs, [{ text: 'Thank you for calling, our offices are closed.', voice: { espeakVoice: 'roa/fr', variant: 'f3', language: 'fr' }, textLanguage: 'en' }]);
    assert.equal(progress, [0.45, 0.9, 1]);
    assert.is(preview.reading, 'English text, read with a French accent');
    assert.is(preview.durationMs, 2260, '0.25 s of lead-in, then the 2 s of speech, in 20 ms frames');
    assert.equal(messages.savedFields(preview.fileId), { source: 'text', voice: 'roa/fr+f3', text: 'Thank you for calling, our offices are closed.', textLanguage: null, fileId: preview.fileId, durationMs: 2260 });
    assert.is(messages.savedFields('unknown'), null);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test.run();
