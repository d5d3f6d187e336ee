// The e-mail that tells a box's owner about a new voicemail: written in the PBX's global language,
// with who called, which number, when, how long, the box, the recording as an MP3 and a link that
// opens it in the softphone. Each saved message gets exactly one notice in the outbox: its id is
// derived from the message's, and start-up catches up on messages saved just before a stop.
import { readFile } from 'node:fs/promises';
import type { Language, PbxConfig, VoicemailBox } from '../../data/schema.ts';
import type { VoicemailMessage, VoicemailStore } from '../../data/voicemail-store.ts';
import { oggOpusToMp3OffThread, type Mp3FromOggOpus, type OggOpusToMp3Options } from '../../media/codec/mp3-encoder.ts';
import type { Mp3Streams } from '../../media/codec/mp3-streams.ts';
import type { Logger } from '../logger.ts';
import type { Outbox } from './outbox.ts';

interface Words {
  locale: string;
  /** What follows a label: ': ' in most languages, ' : ' in French typography. */
  colon: string;
  subject(caller: string, duration: string): string;
  intro(box: string): string;
  from: string;
  called: string;
  date: string;
  duration: string;
  unknownCaller: string;
  webCaller: string;
  attached: string;
  notAttached: string;
  listen: string;
  recovered: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    locale: 'en-GB',
    colon: ': ',
    subject: (caller, duration) => `New voicemail from ${caller} (${duration})`,
    intro: (box) => `You have a new voicemail message in the box “${box}”.`,
    from: 'From',
    called: 'Number called',
    date: 'Date',
    duration: 'Duration',
    unknownCaller: 'Unknown caller',
    webCaller: 'web caller',
    attached: 'The recording is attached (MP3).',
    notAttached: 'The recording could not be attached.',
    listen: 'Listen to it in your softphone:',
    recovered: 'This message was recovered after the PBX restarted during the call; its end may be missing.',
  },
  fr: {
    locale: 'fr-FR',
    colon: '\u00a0: ',
    subject: (caller, duration) => `Nouveau message vocal de ${caller} (${duration})`,
    intro: (box) => `Vous avez un nouveau message vocal dans la boîte « ${box} ».`,
    from: 'De',
    called: 'Numéro appelé',
    date: 'Date',
    duration: 'Durée',
    unknownCaller: 'Appelant inconnu',
    webCaller: 'appel depuis le web',
    attached: 'L’enregistrement est joint (MP3).',
    notAttached: 'L’enregistrement n’a pas pu être joint.',
    listen: 'Écoutez-le dans votre softphone :',
    recovered: 'Ce message a été récupéré après un redémarrage du standard pendant l’appel ; sa fin peut manquer.',
  },
  es: {
    locale: 'es-ES',
    colon: ': ',
    subject: (caller, duration) => `Nuevo mensaje de voz de ${caller} (${duration})`,
    intro: (box) => `Tiene un nuevo mensaje de voz en el buzón «${box}».`,
    from: 'De',
    called: 'Número marcado',
    date: 'Fecha',
    duration: 'Duración',
    unknownCaller: 'Llamante desconocido',
    webCaller: 'llamada desde la web',
    attached: 'La grabación va adjunta (MP3).',
    notAttached: 'No se pudo adjuntar la grabación.',
    listen: 'Escúchela en su softphone:',
    recovered: 'Este mensaje se recuperó tras un reinicio de la centralita durante la llamada; puede faltar el final.',
  },
  de: {
    locale: 'de-DE',
    colon: ': ',
    subject: (caller, duration) => `Neue Sprachnachricht von ${caller} (${duration})`,
    intro: (box) => `Sie haben eine neue Sprachnachricht in der Mailbox „${box}“.`,
    from: 'Von',
    called: 'Gewählte Nummer',
    date: 'Datum',
    duration: 'Dauer',
    unknownCaller: 'Unbekannter Anrufer',
    webCaller: 'Anruf über das Web',
    attached: 'Die Aufnahme ist angehängt (MP3).',
    notAttached: 'Die Aufnahme konnte nicht angehängt werden.',
    listen: 'Im Softphone anhören:',
    recovered: 'Diese Nachricht wurde nach einem Neustart der Telefonanlage während des Anrufs wiederhergestellt; das Ende kann fehlen.',
  },
};

export interface ComposedNotice {
  subject: string;
  text: string;
  /** The MP3's file name, e.g. voicemail-20260302-1015-0612345678.mp3. */
  attachmentName: string;
}

export interface ComposeOptions {
  publicUrl: string;
  /** The recording is attached (false: it could not be converted). */
  attached: boolean;
  /** Time zone for the date (default: the server's). */
  timeZone?: string;
}

/** "0:42", "12:05". */
export function clockDuration(durationMs: number): string {
  const seconds = Math.max(0, Math.round(durationMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Where the e-mail's link leads: the softphone, opened on this message. */
export function softphoneLink(publicUrl: string, messageId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/phone/#voicemail/${encodeURIComponent(messageId)}`;
}

export function composeVoicemailNotice(message: VoicemailMessage, box: VoicemailBox, language: Language, options: ComposeOptions): ComposedNotice {
  const words = WORDS[language];
  const number = message.callerNumber === 'web' ? words.webCaller : message.callerNumber;
  const caller = message.callerName.trim() || number.trim() || words.unknownCaller;
  const from = message.callerName.trim() && number && number !== caller ? `${message.callerName.trim()} (${number})` : caller;
  const duration = clockDuration(message.durationMs);
  const startedAt = new Date(message.startedAt);
  const date = Number.isNaN(startedAt.getTime())
    ? message.startedAt
    : new Intl.DateTimeFormat(words.locale, { dateStyle: 'full', timeStyle: 'short', timeZone: options.timeZone }).format(startedAt);
  const lines = [
    words.intro(box.name),
    '',
    `${words.from}${words.colon}${from}`,
    `${words.called}${words.colon}${message.dialled}`,
    `${words.date}${words.colon}${date}`,
    `${words.duration}${words.colon}${duration}`,
    '',
    ...(message.recovered ? [words.recovered, ''] : []),
    options.attached ? words.attached : words.notAttached,
    words.listen,
    softphoneLink(options.publicUrl, message.id),
    '',
    '-- ',
    'Switchboard',
  ];
  const stamp = Number.isNaN(startedAt.getTime()) ? 'message' : startedAt.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const digits = message.callerNumber.replace(/[^0-9]/g, '');
  return {
    subject: words.subject(caller, duration),
    text: lines.join('\n'),
    attachmentName: `voicemail-${stamp}${digits ? `-${digits}` : ''}.mp3`,
  };
}

/** The notice's id in the outbox for a message: the same every time it is asked for. */
export function voicemailNoticeId(messageId: string): string {
  return `voicemail-${messageId}`;
}

export interface VoicemailNoticesOptions {
  store: VoicemailStore;
  outbox: Outbox;
  /** The configuration in force: the global language and the boxes. */
  config: () => PbxConfig;
  publicUrl: string;
  logger: Logger;
  /**
   * The MP3s made while the messages were recorded (by the recording's path): most of the work is
   * done when the message is saved. Without one, or when it has none for a message (one recovered
   * after a restart), the MP3 is made from the Ogg Opus file.
   */
  mp3Streams?: Pick<Mp3Streams, 'finish'>;
  /** Ogg Opus to MP3; by default on a worker thread, away from the calls. */
  toMp3?: (oggOpus: Uint8Array, options: OggOpusToMp3Options) => Promise<Mp3FromOggOpus>;
  timeZone?: string;
}

/**
 * Turns every saved voicemail message into one e-mail notice in the outbox. Notices are prepared
 * one at a time (each MP3 conversion is a worker thread: a burst of messages must not start dozens).
 */
export class VoicemailNotices {
  readonly #inFlight = new Map<string, Promise<void>>();
  #chain: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly options: VoicemailNoticesOptions) {}

  /**
   * Listens for saved messages, and queues those whose notice never reached the outbox (the PBX
   * stopped in between). Does not wait for them: `idle()` does.
   */
  start(): void {
    this.#unsubscribe = this.options.store.onMessageSaved((message) => void this.notify(message.id));
    void this.catchUp();
  }

  async catchUp(): Promise<void> {
    await Promise.all(this.options.store.messagesAwaitingNotice().map((m) => this.notify(m.id)));
  }

  /** Puts the notice of a message in the outbox once; resolves when it is there (or failed). */
  notify(messageId: string): Promise<void> {
    const running = this.#inFlight.get(messageId);
    if (running) return running;
    const work = this.#chain
      .then(() => this.#notify(messageId))
      .catch((error: unknown) => this.options.logger.error({ err: error, messageId }, 'voicemail notice could not be queued'))
      .finally(() => this.#inFlight.delete(messageId));
    this.#chain = work;
    this.#inFlight.set(messageId, work);
    return work;
  }

  /** Waits for the notices being prepared (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  async #notify(messageId: string): Promise<void> {
    const { store, outbox, config, logger } = this.options;
    const message = store.get(messageId);
    if (!message || message.status === 'recording' || message.noticeQueuedAt !== null) return;
    const noticeId = voicemailNoticeId(message.id);
    if (outbox.has(noticeId)) {
      await store.markNoticeQueued(message.id);
      return;
    }
    const current = config();
    const box = current.voicemailBoxes.find((b) => b.id === message.boxId);
    if (!box) {
      // The box was deleted meanwhile: nobody to tell. The message stays for the portal.
      logger.warn({ messageId, boxId: message.boxId }, 'voicemail notice skipped: the box no longer exists');
      await store.markNoticeQueued(message.id);
      return;
    }
    let mp3: Uint8Array | null = null;
    let made: 'while recorded' | 'from the recording' = 'while recorded';
    try {
      // The message's length, not the file's: a trimmed end (silence, the key that ended it) stays out.
      const audioPath = store.audioPath(message.id);
      mp3 = (await this.options.mp3Streams?.finish(audioPath, message.durationMs)) ?? null;
      if (!mp3) {
        made = 'from the recording';
        mp3 = (await (this.options.toMp3 ?? oggOpusToMp3OffThread)(await readFile(audioPath), { endMs: message.durationMs })).mp3;
      }
    } catch (error) {
      // The notice goes anyway, saying the recording could not be attached: the link still works.
      logger.error({ err: error, messageId }, 'voicemail recording could not be converted to MP3');
    }
    const composed = composeVoicemailNotice(message, box, current.settings.language, {
      publicUrl: this.options.publicUrl,
      attached: mp3 !== null,
      timeZone: this.options.timeZone,
    });
    await outbox.enqueue({
      id: noticeId,
      kind: 'voicemail',
      subjectId: message.id,
      to: box.email,
      subject: composed.subject,
      text: composed.text,
      attachments: mp3 ? [{ filename: composed.attachmentName, contentType: 'audio/mpeg', content: mp3 }] : [],
    });
    await store.markNoticeQueued(message.id);
    logger.info({ messageId, boxId: box.id, to: box.email, notice: noticeId, mp3: mp3 ? made : 'none' }, 'voicemail notice queued');
  }
}
