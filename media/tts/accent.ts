// Reading a text in one language with the accent of another: the words stay those of the text's
// language (eSpeak NG's pronunciation of the text, as phonemes), and each sound is replaced by the
// nearest sound of the voice's language, which the voice then speaks through eSpeak's [[...]]
// phoneme input. The phonemes are eSpeak's own mnemonics (`espeak-ng -x`), e.g. h@l'oU for hello.
//
// Each target language has a table: the sounds it has (kept as they are), and for every other
// sound that French, English, Spanish or German text produces, the nearest ones it has, chosen the
// way speakers of that language are heard to pronounce it ("think" by a French speaker: s'iNk →
// s'ink; by a German: s'INk; "the" by a Spaniard: D@ stays, Spanish has that sound). A few word
// rules carry what is not one sound for another: French stresses a word's last vowel, German
// devoices a word's last consonant, Spanish puts an e before s + consonant at a word's start,
// British English leaves an r unsounded unless a vowel follows.

export const ACCENT_LANGUAGES = ['fr', 'en', 'es', 'de'] as const;
export type AccentLanguage = (typeof ACCENT_LANGUAGES)[number];

/** Clauses, each a list of words, each a list of phonemes (stress marks on their vowel). */
export type PhonemeClauses = string[][][];

interface AccentTable {
  /** The vowels eSpeak uses to speak the language. */
  vowels: readonly string[];
  /** Its consonants. */
  consonants: readonly string[];
  /** A foreign sound → the nearest of the language's own, space-separated; '' drops it. */
  nearest: Readonly<Record<string, string>>;
  /** Where one source language's phoneme of that name is another sound than the others'. */
  fromLanguage?: Partial<Record<AccentLanguage, Readonly<Record<string, string>>>>;
  /** A rule on whole words, after the sounds are mapped. */
  word?: (word: string[], isVowel: (phoneme: string) => boolean) => string[];
}

const STRESS = /^['",%=]+/;

/** French: stress falls on the last vowel of the word, whatever the text's language says. */
function stressLastVowel(word: string[], isVowel: (phoneme: string) => boolean): string[] {
  const bare = word.map((phoneme) => phoneme.replace(STRESS, ''));
  const last = bare.findLastIndex(isVowel);
  if (last < 0 || bare.filter(isVowel).length < 2) return word;
  return bare.map((phoneme, index) => (index === last ? `'${phoneme}` : phoneme));
}

const DEVOICED: Readonly<Record<string, string>> = { b: 'p', d: 't', g: 'k', v: 'f', z: 's' };

/** German: a voiced stop or fricative at the end of a word is said voiceless (Auslautverhärtung). */
function devoiceFinal(word: string[]): string[] {
  const last = word.at(-1);
  const devoiced = last && DEVOICED[last];
  return devoiced ? [...word.slice(0, -1), devoiced] : word;
}

/** English (eSpeak's British voices): an r not followed by a vowel is not sounded ("car", "hard"). */
function rOnlyBeforeVowels(word: string[], isVowel: (phoneme: string) => boolean): string[] {
  return word.map((phoneme, index) => {
    const next = word[index + 1];
    return phoneme === 'r' && (next === undefined || !isVowel(next)) ? 'r-' : phoneme;
  });
}

/** Spanish: no word starts with s + consonant: "street" is said "estreet". */
function vowelBeforeInitialS(word: string[], isVowel: (phoneme: string) => boolean): string[] {
  const [first, second] = word.map((phoneme) => phoneme.replace(STRESS, ''));
  return first === 's' && second !== undefined && !isVowel(second) ? ['e', ...word] : word;
}

export const ACCENT_TABLES: Readonly<Record<AccentLanguage, AccentTable>> = {
  fr: {
    vowels: ['a', 'a-', 'a#', '@', '@-', 'e', 'e-', 'E', 'E-', 'i', 'o', 'O', 'u', 'y', 'y-', 'W', 'W2', 'Y', 'A~', 'E~', 'O~', 'W~'],
    consonants: ['p', 'b', 't', 'd', 'k', 'g', 'f', 'v', 's', 'z', 'S', 'Z', 'm', 'n', 'l', 'r', 'j', 'w'],
    nearest: {
      // English vowels: no short/long pairs, no diphthongs.
      I: 'i', I2: 'i', 'i:': 'i', 'i@': 'i r', 'i@3': 'i @', 'e@': 'E r', eI: 'e', aI: 'a j', aU: 'a u', OI: 'O j', oU: 'o', 'o@': 'O r',
      'A:': 'a', A: 'a', 'A@': 'a r', aa: 'a', '0': 'O', 'O:': 'O', 'O@': 'O r', U: 'u', 'u:': 'u', 'U@': 'u r', V: 'Y', '3': 'E r', '3:': 'Y r', '@L': '@ l',
      // German vowels.
      'E:': 'E', 'e:': 'e', 'I:': 'i', 'o:': 'o', 'y:': 'y', 'Y:': 'W', OY: 'O j', EI: 'E j', UR: 'u r', iR: 'i r', i2: 'i', E2: 'E',
      // Spanish vowels and diphthongs.
      oI: 'O j',
      // Consonants: no th (s, z), no h, no ng (n g), no affricates, no jota.
      T: 's', D: 'z', h: '', N: 'n g', tS: 't S', dZ: 'd Z', 'r-': 'r', C: 'S', x: 'r', R: 'r', pF: 'p f', ts: 't s', 'l^': 'l j', 'n^': 'n j',
      '**': 'r', R2: 'r', B: 'b', Q: 'g', 'J^': 'j', 'g#': 'g', l2: 'l',
    },
    // Spanish's D is the soft d of "nada", not the th of "this".
    fromLanguage: { es: { D: 'd' } },
    word: stressLastVowel,
  },
  en: {
    vowels: ['@', '@2', '@5', '@L', '3', '3:', '0', 'A:', 'A@', 'a', 'a#', 'aa', 'E', 'I', 'I2', 'i', 'i:', 'i@', 'i@3', 'O:', 'O@', 'OI', 'U', 'U@', 'u:', 'V', 'aI', 'aI@', 'aU', 'eI', 'e@', 'oU', 'o@'],
    consonants: ['p', 'b', 't', 'd', 'k', 'g', 'f', 'v', 'T', 'D', 's', 'z', 'S', 'Z', 'h', 'm', 'n', 'N', 'l', 'r', 'r-', 'j', 'w', 'tS', 'dZ'],
    nearest: {
      // French vowels: English has no pure e, o, u; no front rounded vowels; nasals become vowel + n.
      e: 'eI', 'e-': 'eI', 'E-': 'E', 'a-': 'a', '@-': '@', o: 'oU', O: '0', u: 'u:', y: 'u:', 'y-': 'u:', W: '3:', W2: '3:', Y: '3:',
      'A~': '0 n', 'E~': 'a n', 'O~': 'oU n', 'W~': 'V n',
      // German vowels.
      A: 'A:', 'E:': 'eI', 'e:': 'eI', 'I:': 'i:', 'o:': 'oU', 'y:': 'u:', 'Y:': '3:', OY: 'OI', EI: 'eI', UR: 'U@', iR: 'i@', i2: 'i', E2: 'E',
      // Spanish diphthong.
      oI: 'OI',
      // Consonants: the uvular and rolled r become the English r; no jota or ich-sound.
      R: 'r', '**': 'r', R2: 'r', x: 'h', C: 'h', B: 'b', Q: 'g', 'J^': 'j', 'l^': 'l j', 'n^': 'n j', pF: 'p f', ts: 't s', 'g#': 'g', l2: 'l',
    },
    // Spanish and French i, o, u are tense and long to an English ear.
    fromLanguage: { es: { i: 'i:', e: 'eI', o: 'oU', u: 'u:', a: 'A:' }, fr: { i: 'i:', a: 'A:' } },
    word: rOnlyBeforeVowels,
  },
  es: {
    vowels: ['a', 'e', 'i', 'o', 'u', 'E', 'aI', 'oI'],
    consonants: ['p', 'b', 't', 'd', 'k', 'g', 'f', 's', 'T', 'x', 'tS', 'm', 'n', 'n^', 'N', 'l', 'l^', 'r', 'R2', '**', 'B', 'D', 'Q', 'J^', 'j', 'w'],
    nearest: {
      // Five vowels: every other vowel falls on one of them.
      '@': 'e', '@-': 'e', '@L': 'e l', '3': 'e r', '3:': 'e r', '0': 'o', 'A:': 'a', A: 'a', 'A@': 'a r', aa: 'a', 'a#': 'a', 'a-': 'a', I: 'i', I2: 'i', 'i:': 'i',
      'i@': 'i r', 'i@3': 'i e', 'O:': 'o', O: 'o', 'O@': 'o r', 'o@': 'o r', OI: 'oI', U: 'u', 'u:': 'u', 'U@': 'u r', V: 'a', aU: 'a u', eI: 'e i', 'e@': 'e r', oU: 'o',
      'e-': 'e', 'E-': 'E', y: 'u', 'y-': 'u', W: 'e', W2: 'e', Y: 'e', 'A~': 'a n', 'E~': 'e n', 'O~': 'o n', 'W~': 'e n',
      'E:': 'e', 'e:': 'e', 'I:': 'i', 'o:': 'o', 'y:': 'u', 'Y:': 'e', OY: 'oI', EI: 'e i', UR: 'u r', iR: 'i r', i2: 'i', E2: 'E',
      // Consonants: h is the jota, v is b, no voiced s, sh is ch; the French and German r is rolled.
      h: 'x', v: 'b', z: 's', S: 'tS', Z: 'J^', dZ: 'J^', 'r-': 'r', R: 'R2', C: 'x', pF: 'p f', ts: 't s', 'g#': 'g', l2: 'l',
    },
    fromLanguage: { fr: { r: 'R2' }, de: { r: 'R2' } },
    word: vowelBeforeInitialS,
  },
  de: {
    vowels: ['@', '3', 'a', 'A:', 'E', 'E:', 'e:', 'I', 'i:', 'O', 'o:', 'U', 'u:', 'UR', 'y', 'y:', 'Y:', 'W', 'aI', 'aU', 'OY', 'iR'],
    consonants: ['p', 'b', 't', 'd', 'k', 'g', 'f', 'v', 's', 'z', 'S', 'C', 'x', 'R', 'r', 'h', 'j', 'l', 'm', 'n', 'N', 'pF', 'ts', 'tS'],
    nearest: {
      // English vowels: æ is heard as e, ʌ as a; diphthongs become long vowels.
      '0': 'O', '3:': 'W r', 'A@': 'A: r', 'A': 'a', aa: 'a', 'a#': 'a', I2: 'I', i: 'i:', 'i@': 'i: r', 'i@3': 'i: 3', 'O:': 'O', 'O@': 'O r', 'o@': 'o: r', OI: 'OY', 'U@': 'U r',
      V: 'a', eI: 'e:', 'e@': 'E r', oU: 'o:', '@L': '@ l', '@-': '@', 'a-': 'a', e: 'e:', 'e-': 'e:', 'E-': 'E',
      // French vowels: nasals become vowel + ng; ø and œ are German's own.
      o: 'o:', u: 'u:', 'y-': 'y:', W2: 'Y:', Y: 'W', 'A~': 'a N', 'E~': 'E N', 'O~': 'O N', 'W~': 'W N', 'I:': 'i:', E2: 'E', i2: 'i:', EI: 'aI',
      // Spanish.
      oI: 'OY',
      // Consonants: no th (s, z→ d), w is v, no ʒ or dʒ; the Spanish sounds to their nearest.
      T: 's', D: 'z', w: 'v', Z: 'S', dZ: 'tS', 'r-': 'r', '**': 'r', R2: 'r', B: 'b', Q: 'g', 'J^': 'j', 'l^': 'l j', 'n^': 'n j', 'g#': 'g', l2: 'l',
    },
    // French ø is the German long ö; a Spanish or French w is the vowel u.
    fromLanguage: { fr: { W: 'Y:', w: 'U' }, es: { w: 'U', D: 'd' } },
    word: devoiceFinal,
  },
};

/** Markers eSpeak mixes into its phoneme output that are not sounds: language switches and pauses. */
const LANGUAGE_SWITCH = /\([a-z-]+\)/g;
const NOT_A_SOUND = /^[!|:;^_]*$/;

/** Keeps only the sounds of eSpeak's phoneme output (no language-switch markers, pauses or empty tokens). */
export function cleanPhonemes(clauses: PhonemeClauses): PhonemeClauses {
  return clauses
    .map((clause) =>
      clause
        .map((word) => word.map((phoneme) => phoneme.replace(LANGUAGE_SWITCH, '')).filter((phoneme) => !NOT_A_SOUND.test(phoneme.replace(STRESS, ''))))
        .filter((word) => word.length > 0),
    )
    .filter((clause) => clause.length > 0);
}

export interface AccentMapping {
  phonemes: PhonemeClauses;
  /** Sounds that no rule covered (dropped); empty when the tables are complete for the text. */
  unmapped: string[];
}

/**
 * The phonemes of a text in `from` (eSpeak's pronunciation in that language), with every sound
 * replaced by the nearest sound of `to`; the result holds only sounds of `to`.
 */
export function mapToAccent(clauses: PhonemeClauses, from: AccentLanguage, to: AccentLanguage): AccentMapping {
  const table = ACCENT_TABLES[to];
  const own = new Set([...table.vowels, ...table.consonants]);
  const vowels = new Set(table.vowels);
  const isVowel = (phoneme: string) => vowels.has(phoneme.replace(STRESS, ''));
  const unmapped: string[] = [];
  const nearestOf = (phoneme: string): string[] | null => {
    for (let name = phoneme; name.length > 0; name = name.slice(0, -1)) {
      const mapped = table.fromLanguage?.[from]?.[name] ?? table.nearest[name];
      if (mapped !== undefined) return mapped.split(' ').filter((p) => p.length > 0);
      if (own.has(name)) return [name];
      // eSpeak's variants of a sound end in a mark (t#, I2#, oU#, z2, @-): try the sound without it.
      if (!/[#2-5\-/:]$/.test(name)) break;
    }
    return null;
  };
  const phonemes = clauses
    .map((clause) =>
      clause
        .map((word) => {
          const mapped: string[] = [];
          for (const phoneme of word) {
            const stress = STRESS.exec(phoneme)?.[0] ?? '';
            const sounds = nearestOf(phoneme.slice(stress.length));
            if (!sounds) {
              unmapped.push(phoneme.slice(stress.length));
              continue;
            }
            sounds.forEach((sound, index) => mapped.push(index === 0 ? stress + sound : sound));
          }
          return table.word ? table.word(mapped, isVowel) : mapped;
        })
        .filter((word) => word.length > 0),
    )
    .filter((clause) => clause.length > 0);
  return { phonemes, unmapped };
}

/**
 * eSpeak's phoneme input for the clauses: each clause in [[...]], phonemes separated by | so that
 * two of them never read as one longer mnemonic (a + I is not aI), clauses joined by commas.
 */
export function phonemeInput(clauses: PhonemeClauses, ending = '.'): string {
  return clauses.map((clause) => `[[${clause.map((word) => word.join('|')).join(' ')}]]`).join(', ') + ending;
}
