// The prompt library with the real eSpeak NG: the voicemail greeting in each global language is its
// own clip, of a length that fits its words, spoken after a short lead-in at the prompts' level.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { correlation, loudnessEnvelope } from '../../support/envelope.ts';
import { LANGUAGES, type Language } from '../../../data/schema.ts';
import { decodeOpusClip, type OpusClip } from '../../../media/codec/opus-clip.ts';
import { OPUS_SAMPLE_RATE } from '../../../media/codec/opus.ts';
import { activeRmsLevel, toDbfs } from '../../../media/dsp/loudness.ts';
import { EspeakSynthesizer } from '../../../media/tts/espeak.ts';
import { PromptLibrary } from '../../../server/media-plane/prompt-library.ts';
import { PROMPT_TEXTS } from '../../../server/media-plane/prompt-texts.ts';

const test = suite('media-plane/prompt-library');
let speech: EspeakSynthesizer;
const greetings = new Map<Language, { clip: OpusClip; pcm: Float32Array }>();



test.before(async () => {
  speech = await EspeakSynthesizer.load();
  const library = new PromptLibrary(speech);
  for (const language of LANGUAGES) {
    library.use(language);
    assert.is(library.language, language);
    const clip = library.clip('voicemail-greeting');
    greetings.set(language, { clip, pcm: decodeOpusClip(clip) });
  }
});

test.after(() => {
  speech?.close();
});

test('the greeting in fr, en, es and de: each as long as its words at about 160 a minute, after a quiet lead-in, at the prompt level', () => {
  for (const [language, { clip, pcm }] of greetings) {
    const words = PROMPT_TEXTS['voicemail-greeting'][language].split(/\s+/).length;
    const spokenMs = (words / 160) * 60_000;
    assert.ok(clip.durationMs > spokenMs * 0.6 && clip.durationMs < spokenMs * 1.5, `${language}: ${clip.durationMs} ms for ${words} words`);
    assert.is(clip.frames.length * 20, clip.durationMs);
    // 0.25 s of lead-in, so the first syllable is not lost while the audio starts.
    const leadIn = pcm.subarray(0, OPUS_SAMPLE_RATE * 0.2);
    assert.ok(toDbfs(activeRmsLevel(leadIn)) < -50 || leadIn.every((v) => Math.abs(v) < 0.01), `${language}: quiet lead-in`);
    const level = toDbfs(activeRmsLevel(pcm));
    assert.ok(level > -26 && level < -14, `${language}: ${level.toFixed(1)} dBFS`);
    console.log(`  ${language}: ${words} words, ${clip.durationMs} ms, ${level.toFixed(1)} dBFS`);
  }
});

test('the four greetings differ: lengths and loudness contours', () => {
  const languages = [...greetings.keys()];
  const lengths = new Set(languages.map((l) => greetings.get(l)!.clip.durationMs));
  assert.is(lengths.size, 4, `lengths ${[...lengths].join(', ')} ms`);
  const contours = languages.map((l) => loudnessEnvelope(greetings.get(l)!.pcm, OPUS_SAMPLE_RATE, 50));
  const pairs: string[] = [];
  for (let a = 0; a < languages.length; a++) {
    for (let b = a + 1; b < languages.length; b++) {
      const cross = correlation(contours[a]!, contours[b]!);
      assert.ok(cross < 0.6, `${languages[a]} against ${languages[b]}: ${cross.toFixed(3)}`);
      pairs.push(`${languages[a]}/${languages[b]} ${cross.toFixed(2)}`);
    }
  }
  console.log(`  contour correlations: ${pairs.join(', ')}`);
});

test('the same language again gives the same greeting (the contour measure tells languages apart, not takes)', () => {
  const library = new PromptLibrary(speech);
  library.use('de');
  library.use('fr');
  const again = library.clip('voicemail-greeting');
  const first = greetings.get('fr')!;
  assert.ok(Math.abs(again.durationMs - first.clip.durationMs) <= 100, `${again.durationMs} vs ${first.clip.durationMs} ms`);
  const self = correlation(loudnessEnvelope(decodeOpusClip(again), OPUS_SAMPLE_RATE, 50), loudnessEnvelope(first.pcm, OPUS_SAMPLE_RATE, 50));
  assert.ok(self > 0.95, `fr against fr: ${self.toFixed(3)}`);
});

test.run();
