// Global settings: the language of every voice prompt and where SMS go by default.
import { useState } from 'preact/hooks';
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../../../data/schema.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { FormErrors, useSubmission } from '../form.ts';
import { useDraft, usePortal } from '../portal-state.tsx';

/** The zones this browser knows, offered as suggestions; the server checks whatever is typed. */
const TIME_ZONES: string[] = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

export function SettingsPage() {
  const { api, write, notify } = usePortal();
  const { settings } = useDraft().config;
  const [language, setLanguage] = useState<Language>(settings.language);
  const [defaultSmsEmail, setDefaultSmsEmail] = useState(settings.defaultSmsEmail);
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const submission = useSubmission();
  const errors = new FormErrors(submission.error, ['language', 'defaultSmsEmail', 'timeZone']);

  const save = (event: Event) => {
    event.preventDefault();
    void submission.run(async () => {
      await write((revision) => api.saveSettings({ language, defaultSmsEmail: defaultSmsEmail.trim(), timeZone: timeZone.trim() }, revision));
      notify('Settings saved. Apply changes to publish them.');
    });
  };

  return (
    <>
      <PageHeader title="Settings" subtitle="Settings that apply to the whole phone system." />
      <form class="card form" onSubmit={save} noValidate>
        <ErrorBanner error={submission.error} unshown={errors.unshown()} />
        <h2 class="card-title">Voice prompts</h2>
        <Field
          id="settings-language"
          label="Language"
          error={errors.of('language')}
          hint="For every voice prompt: voicemail, menus and announcements."
        >
          {(control) => (
            <select {...control} value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
              {LANGUAGES.map((code) => (
                <option key={code} value={code}>
                  {LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <h2 class="card-title">Time</h2>
        <Field
          id="settings-time-zone"
          label="Time zone"
          error={errors.of('timeZone')}
          hint="Opening hours are read in this zone (an IANA name such as Europe/Paris)."
        >
          {(control) => (
            <input {...control} list="time-zones" placeholder="Europe/Paris" value={timeZone} onInput={(e) => setTimeZone(e.currentTarget.value)} />
          )}
        </Field>
        <datalist id="time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <h2 class="card-title">SMS</h2>
        <Field
          id="settings-sms-email"
          label="Default e-mail for incoming SMS"
          error={errors.of('defaultSmsEmail')}
          hint="SMS received on an SMS-compatible number without its own address are sent here."
        >
          {(control) => (
            <input
              {...control}
              type="email"
              placeholder="sms@example.com"
              value={defaultSmsEmail}
              onInput={(e) => setDefaultSmsEmail(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={submission.busy}>
            Save
          </button>
        </div>
      </form>
    </>
  );
}
