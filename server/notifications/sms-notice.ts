// The e-mail that carries an incoming SMS to its number's address (or the default one from
// Settings): in the PBX's global language, with who sent it, to which number, when, and the text as
// it came (plain text, nothing interpreted). Each stored SMS with an address gets exactly one
// notice in the outbox: its id is derived from the SMS's, and start-up catches up on SMS stored
// just before a stop.
import type { Language, PbxConfig } from '../../data/schema.ts';
import type { SmsMessage, SmsStore } from '../../data/sms-store.ts';
import type { Logger } from '../logger.ts';
import type { Outbox } from './outbox.ts';

interface Words {
  locale: string;
  /** What follows a label: ': ' in most languages, ' : ' in French typography. */
  colon: string;
  subject(from: string, to: string): string;
  intro(to: string): string;
  from: string;
  to: string;
  date: string;
  message: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    locale: 'en-GB',
    colon: ': ',
    subject: (from, to) => `SMS from ${from} to ${to}`,
    intro: (to) => `New SMS received on ${to}.`,
    from: 'From',
    to: 'To',
    date: 'Date',
    message: 'Message',
  },
  fr: {
    locale: 'fr-FR',
    colon: '\u00a0: ',
    subject: (from, to) => `SMS de ${from} pour ${to}`,
    intro: (to) => `Nouveau SMS reçu sur le ${to}.`,
    from: 'De',
    to: 'À',
    date: 'Date',
    message: 'Message',
  },
  es: {
    locale: 'es-ES',
    colon: ': ',
    subject: (from, to) => `SMS de ${from} para ${to}`,
    intro: (to) => `Nuevo SMS recibido en el ${to}.`,
    from: 'De',
    to: 'Para',
    date: 'Fecha',
    message: 'Mensaje',
  },
  de: {
    locale: 'de-DE',
    colon: ': ',
    subject: (from, to) => `SMS von ${from} an ${to}`,
    intro: (to) => `Neue SMS auf ${to} empfangen.`,
    from: 'Von',
    to: 'An',
    date: 'Datum',
    message: 'Nachricht',
  },
};

export interface ComposedSmsNotice {
  subject: string;
  text: string;
}

/** `label` is the number's label in the configuration ('' for none). */
export function composeSmsNotice(sms: SmsMessage, label: string, language: Language, timeZone?: string): ComposedSmsNotice {
  const words = WORDS[language];
  const to = label ? `${sms.to} (${label})` : sms.to;
  const receivedAt = new Date(sms.receivedAt);
  const date = Number.isNaN(receivedAt.getTime())
    ? sms.receivedAt
    : new Intl.DateTimeFormat(words.locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(receivedAt);
  const lines = [
    words.intro(to),
    '',
    `${words.from}${words.colon}${sms.from}`,
    `${words.to}${words.colon}${to}`,
    `${words.date}${words.colon}${date}`,
    '',
    `${words.message}${words.colon}`,
    sms.text,
    '',
    '-- ',
    'Switchboard',
  ];
  return { subject: words.subject(sms.from, sms.to), text: lines.join('\n') };
}

/** The notice's id in the outbox for an SMS: the same every time it is asked for. */
export function smsNoticeId(smsId: string): string {
  return `notice-${smsId}`;
}

export interface SmsNoticesOptions {
  store: SmsStore;
  outbox: Outbox;
  /** The configuration in force: the global language and the numbers' labels. */
  config: () => PbxConfig;
  logger: Logger;
  timeZone?: string;
}

/** Puts each stored SMS that has an address in the outbox, once. */
export class SmsNotices {
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(private readonly options: SmsNoticesOptions) {}

  /** Queues the notices that never reached the outbox (the PBX stopped in between). */
  async catchUp(): Promise<void> {
    await Promise.all(this.options.store.awaitingNotice().map((sms) => this.notify(sms.id)));
  }

  /** Resolves once the notice is in the outbox (or could not be put there: logged, retried at start). */
  notify(smsId: string): Promise<void> {
    const running = this.#inFlight.get(smsId);
    if (running) return running;
    const work = this.#notify(smsId)
      .catch((error: unknown) => this.options.logger.error({ err: error, smsId }, 'SMS e-mail could not be queued'))
      .finally(() => this.#inFlight.delete(smsId));
    this.#inFlight.set(smsId, work);
    return work;
  }

  async #notify(smsId: string): Promise<void> {
    const { store, outbox, config, logger } = this.options;
    const sms = store.get(smsId);
    if (!sms || sms.emailTo === null || sms.noticeQueuedAt !== null) return;
    const noticeId = smsNoticeId(sms.id);
    if (!outbox.has(noticeId)) {
      const current = config();
      const label = current.incomingNumbers.find((n) => n.id === sms.numberId)?.label ?? '';
      const composed = composeSmsNotice(sms, label, current.settings.language, this.options.timeZone);
      await outbox.enqueue({ id: noticeId, kind: 'sms', subjectId: sms.id, to: sms.emailTo, subject: composed.subject, text: composed.text });
      logger.info({ smsId, numberId: sms.numberId, to: sms.emailTo, notice: noticeId }, 'SMS e-mail queued');
    }
    await store.markNoticeQueued(sms.id);
  }
}
