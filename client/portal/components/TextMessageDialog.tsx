// "Convert text to message": a voice, the text, the language it is written in (detected, or the
// admin's choice), the sentence saying how it will be read, Generate (with its progress), a player
// for the result, and Save, which makes it the message's audio in the draft.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AudioMessage } from '../../../data/schema.ts';
import { ApiError } from '../api.ts';
import { FormErrors } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { textToSpeech, type ReadingPlan, type SpeechLanguage, type SpeechPreview, type VoiceChoice } from '../text-to-speech-api.ts';
import { durationInWords } from '../words.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Field } from './Field.tsx';

const MAX_TEXT_LENGTH = 5000;
/** How long typing must pause before the detection is asked again. */
const PLAN_DELAY_MS = 300;
const LANGUAGE_NAMES: Record<SpeechLanguage, string> = { fr: 'French', en: 'English', es: 'Spanish', de: 'German' };

interface Props {
  message: AudioMessage;
  onClose(): void;
}

export function TextMessageDialog({ message, onClose }: Props) {
  const { write, notify } = usePortal();
  const globalLanguage = useDraft().config.settings.language;
  const [voices, setVoices] = useState<VoiceChoice[] | null>(null);
  const [voice, setVoice] = useState(message.voice ?? '');
  const [text, setText] = useState(message.text ?? '');
  const [language, setLanguage] = useState<SpeechLanguage | ''>(message.textLanguage ?? '');
  const [plan, setPlan] = useState<ReadingPlan | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [preview, setPreview] = useState<SpeechPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const errors = new FormErrors(error, ['voice', 'text', 'language']);

  useEffect(() => {
    textToSpeech.voices().then(
      ({ voices }) => {
        setVoices(voices);
        setVoice((current) => current || (voices.find((v) => v.language === globalLanguage) ?? voices[0])?.id || '');
      },
      (caught: ApiError) => setError(caught),
    );
  }, [globalLanguage]);

  // What will happen, asked again a moment after the admin stops typing; a change drops the preview.
  const input = useMemo(() => ({ text, voice, language: language || null }), [text, voice, language]);
  useEffect(() => {
    setPreview(null);
    if (!voice) return;
    const timer = setTimeout(() => {
      textToSpeech.plan(input).then(
        (fresh) => setPlan(fresh),
        (caught: ApiError) => setError(caught),
      );
    }, PLAN_DELAY_MS);
    return () => clearTimeout(timer);
  }, [input, voice]);

  const generate = async () => {
    setError(null);
    setPreview(null);
    setProgress(0);
    try {
      setPreview(await textToSpeech.generate(input, setProgress));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
    } finally {
      setProgress(null);
    }
  };

  const save = async () => {
    if (!preview) return;
    setSaving(true);
    setError(null);
    try {
      await write((revision) => textToSpeech.save(message.id, preview.fileId, revision));
      notify(`${message.name}: text message saved. Apply changes to use it in calls.`);
      onClose();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
      setSaving(false);
    }
  };

  const byLanguage = (['fr', 'en', 'es', 'de'] as const).map((code) => ({ code, voices: (voices ?? []).filter((v) => v.language === code) }));
  const generating = progress !== null;
  return (
    <Dialog
      title="Convert text to message"
      onClose={onClose}
      wide
      testId="text-message-dialog"
      actions={
        <>
          <button type="button" class="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn btn-primary" disabled={!preview || saving || generating} onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <p class="dialog-lead">
        The audio of <strong>{message.name}</strong>, spoken by the PBX.
      </p>
      <ErrorBanner error={error} unshown={errors.unshown()} />
      <Field id="tts-voice" label="Voice" error={errors.of('voice')}>
        {(control) => (
          <select {...control} value={voice} disabled={!voices} onChange={(e) => setVoice(e.currentTarget.value)}>
            {byLanguage.map((group) => (
              <optgroup key={group.code} label={LANGUAGE_NAMES[group.code]}>
                {group.voices.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        )}
      </Field>
      <Field id="tts-text" label="Text" error={errors.of('text')} hint={`${text.length} / ${MAX_TEXT_LENGTH} characters`}>
        {(control) => <textarea {...control} class="textarea" rows={6} maxLength={MAX_TEXT_LENGTH} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
      </Field>
      <Field id="tts-language" label="Language of the text" error={errors.of('language')}>
        {(control) => (
          <select {...control} value={language} onChange={(e) => setLanguage(e.currentTarget.value as SpeechLanguage | '')}>
            <option value="">{plan?.detectedLanguage ? `Detected: ${LANGUAGE_NAMES[plan.detectedLanguage]}` : 'Detect from the text'}</option>
            {(['fr', 'en', 'es', 'de'] as const).map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <p class="tts-reading" data-testid="tts-reading" aria-live="polite">
        {plan ? `${plan.reading}.` : '\u00a0'}
      </p>
      <div class="tts-generate">
        <button type="button" class="btn btn-secondary" disabled={generating || !voice || !text.trim()} onClick={() => void generate()}>
          {generating ? 'Generating…' : 'Generate'}
        </button>
        {generating && <progress class="tts-progress" data-testid="tts-progress" max={1} value={progress} aria-label="Generating the message" />}
        {preview && (
          <span class="muted small" data-testid="tts-preview-length">
            {durationInWords(preview.durationMs)}
          </span>
        )}
      </div>
      {preview && <audio class="tts-player" data-testid="tts-preview-audio" controls preload="auto" src={preview.audioUrl} />}
    </Dialog>
  );
}
