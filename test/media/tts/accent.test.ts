// The accent rule with the real eSpeak NG: every sound French, English, Spanish and German text
// produces has a counterpart in each other language's table, and what a voice then speaks holds
// only its own language's sounds; a French voice reading English says the English words with
// French sounds (no th, no h, no ŋ), and the same text differs between a plain and an accented reading.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCENT_LANGUAGES, ACCENT_TABLES, cleanPhonemes, mapToAccent, phonemeInput, type AccentLanguage } from '../../../media/tts/accent.ts';
import { EspeakSynthesizer } from '../../../media/tts/espeak.ts';
import { speechInput } from '../../../media/tts/text-speech.ts';
import { CORPUS } from './fixtures/corpus.ts';

const test = suite('tts/accent');
let espeak: EspeakSynthesizer;
const VOICES: Record<AccentLanguage, string> = { fr: 'roa/fr', en: 'gmw/en', es: 'roa/es', de: 'gmw/de' };
const bare = (phoneme: string) => phoneme.replace(/^['",%=]+/, '');
const ipaBare = (phoneme: string) => phoneme.replace(/[ˈˌ]/g, '');

test.before(async () => {
  espeak = await EspeakSynthesizer.load();
});

test("every sound of each language's sample maps to sounds of every other language", () => {
  for (const from of ACCENT_LANGUAGES) {
    const phonemes = cleanPhonemes(espeak.phonemes(CORPUS[from], from, 'espeak'));
    for (const to of ACCENT_LANGUAGES.filter((l) => l !== from)) {
      const { phonemes: mapped, unmapped } = mapToAccent(phonemes, from, to);
      assert.equal(unmapped, [], `${from} → ${to}: no rule for ${unmapped.join(' ')}`);
      const own = new Set([...ACCENT_TABLES[to].vowels, ...ACCENT_TABLES[to].consonants]);
      const foreign = mapped.flat(2).map(bare).filter((p) => !own.has(p));
      assert.equal(foreign, [], `${from} → ${to} leaves sounds ${to} does not have`);
    }
  }
});

test('a French voice reading English says the English words with French sounds', () => {
  const french = new Set(espeak.spokenPhonemes(CORPUS.fr, { voice: VOICES.fr }).map(ipaBare));
  const sentence = 'Think of the weather, and hurry home through the garden.';
  const request = { text: sentence, voice: { espeakVoice: VOICES.fr, language: 'fr' as const }, textLanguage: 'en' as const };
  const input = speechInput(espeak, sentence, request);
  assert.match(input, /^\[\[.*\]\]\.$/);
  const spoken = espeak.spokenPhonemes(input, { voice: VOICES.fr }).map(ipaBare);
  assert.ok(spoken.length > 30, `${spoken.length} sounds`);
  const notFrench = spoken.filter((p) => !french.has(p));
  assert.equal(notFrench, [], `sounds a French voice does not make in French: ${notFrench.join(' ')}`);
  for (const english of ['θ', 'ð', 'h', 'ŋ', 'ɹ', 'əʊ']) assert.not.ok(spoken.includes(english), `no ${english}`);
  // The words stay English: the same consonant skeleton as English read plainly (th → s/z, h dropped).
  const plain = espeak.spokenPhonemes(sentence, { voice: VOICES.en }).map(ipaBare);
  assert.ok(plain.includes('θ') && plain.includes('h'), 'read in English, the sentence has th and h');
  assert.ok(spoken.includes('s') && spoken.includes('z'));
});

test('each accent: only the voice language\'s own sounds are spoken', () => {
  const pairs: [AccentLanguage, AccentLanguage, string][] = [
    ['fr', 'en', 'Bonjour, le chat mange une souris grise dans le jardin.'],
    ['de', 'es', 'Die Straße ist schön, ich möchte zwölf Äpfel.'],
    ['es', 'de', 'Mañana hace sol en Zaragoza y en Jerez.'],
    ['en', 'es', 'The street is very busy this Thursday.'],
  ];
  for (const [from, to, sentence] of pairs) {
    const native = new Set(espeak.spokenPhonemes(CORPUS[to], { voice: VOICES[to] }).map(ipaBare));
    const input = speechInput(espeak, sentence, { text: sentence, voice: { espeakVoice: VOICES[to], language: to }, textLanguage: from });
    const spoken = espeak.spokenPhonemes(input, { voice: VOICES[to] }).map(ipaBare);
    const foreign = spoken.filter((p) => !native.has(p));
    assert.equal(foreign, [], `${from} read by ${to}: ${foreign.join(' ')}`);
  }
});

test('word rules: French stresses the last vowel, German devoices the last consonant, Spanish says e before s + consonant', () => {
  const english = cleanPhonemes(espeak.phonemes('Street bird computer', 'en', 'espeak'));
  const [[street, bird, computer]] = mapToAccent(english, 'en', 'es').phonemes as [string[][]];
  assert.is(street!.map(bare)[0], 'e', `Spanish: ${street!.join(' ')}`);
  const fr = mapToAccent(english, 'en', 'fr').phonemes[0]![2]!;
  assert.ok(fr.at(-1) === "'r" || fr.findLast((p) => p.startsWith("'")) === fr.findLast((p) => /^'?[aeiouyEOYW@]/.test(p)), `French: ${fr.join(' ')}`);
  const de = mapToAccent(english, 'en', 'de').phonemes[0]![1]!;
  assert.is(de.at(-1), 't', `German "bird" ends devoiced: ${de.join(' ')}`);
  assert.ok(computer && bird);
});

test('phoneme input separates phonemes so two never read as one', () => {
  assert.is(phonemeInput([[['a', 'I'], ['h', '@', "l'oU"]], [['D', "'e@"]]], '?'), "[[a|I h|@|l'oU]], [[D|'e@]]?");
});

test.run();
