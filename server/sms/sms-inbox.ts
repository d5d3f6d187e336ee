// Where an incoming SMS goes once its request is authenticated: to the incoming number it was sent
// to in production (the applied configuration), which must take SMS; then into the store, once,
// and to the number's e-mail address (else the default from Settings) through the outbox.
import { z } from 'zod';
import { E164Number, type IncomingNumber, type PbxConfig } from '../../data/schema.ts';
import { SMS_MAX_CHARACTERS, type SmsMessage, type SmsStore } from '../../data/sms-store.ts';
import type { SmsNotices } from '../notifications/sms-notice.ts';

/** The webhook's body. Other fields a carrier adds are ignored. */
export const InboundSms = z.object({
  from: z
    .string()
    .trim()
    .min(1, 'required')
    .max(64)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters'),
  to: E164Number,
  /** Checked for length apart (SMS_MAX_CHARACTERS), which is a 413, not a 400. */
  text: z.string(),
  /** The carrier's id for this SMS: a carrier that delivers it again with it is answered with the first. */
  messageId: z.string().trim().min(1).max(128).optional(),
  /** When the carrier says the SMS was sent (ISO 8601). */
  sentAt: z.iso.datetime({ offset: true, message: 'an ISO 8601 date and time' }).optional(),
});
export type InboundSms = z.infer<typeof InboundSms>;

/** Characters as a person counts them (an emoji is one), not UTF-16 units. */
export function smsLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export class SmsTooLongError extends Error {
  constructor(readonly length: number) {
    super(`The text has ${length} characters; at most ${SMS_MAX_CHARACTERS} are accepted`);
  }
}
export class UnknownSmsNumberError extends Error {
  constructor(readonly number: string) {
    super(`${number} is not an incoming number of this PBX`);
  }
}
export class NotSmsCompatibleError extends Error {
  constructor(readonly number: string) {
    super(`${number} is not SMS compatible (Incoming numbers: tick SMS compatible, then apply changes)`);
  }
}

/** Where a number's SMS are e-mailed: its own address, else the default; null when both are empty. */
export function smsEmailOf(config: PbxConfig, number: IncomingNumber): { to: string; source: 'number' | 'default' } | null {
  if (number.smsEmail) return { to: number.smsEmail, source: 'number' };
  if (config.settings.defaultSmsEmail) return { to: config.settings.defaultSmsEmail, source: 'default' };
  return null;
}

export interface SmsInboxOptions {
  store: SmsStore;
  notices: SmsNotices;
  /** Production: the numbers as applied. */
  config: () => PbxConfig;
}

export interface ReceivedSms {
  sms: SmsMessage;
  duplicate: boolean;
}

export class SmsInbox {
  constructor(private readonly options: SmsInboxOptions) {}

  /**
   * Stores the SMS and queues its e-mail; a replay of the same request (`request.key`) or the same
   * carrier message id gives the SMS stored the first time, without a second e-mail. Refused
   * (nothing stored): text too long, a number the PBX does not have, one that does not take SMS.
   */
  async receive(input: InboundSms, request: { key: string; until: Date }): Promise<ReceivedSms> {
    const length = smsLength(input.text);
    if (length > SMS_MAX_CHARACTERS) throw new SmsTooLongError(length);
    // A replay is the SMS it repeats, even if the number has changed since.
    const replayed = this.options.store.findByRequest(request.key);
    if (replayed) return { sms: replayed, duplicate: true };
    const config = this.options.config();
    const number = config.incomingNumbers.find((n) => n.number === input.to);
    if (!number) throw new UnknownSmsNumberError(input.to);
    if (!number.smsCompatible) throw new NotSmsCompatibleError(input.to);
    const email = smsEmailOf(config, number);
    const { message, duplicate } = await this.options.store.record(
      {
        numberId: number.id,
        to: number.number,
        from: input.from,
        text: input.text,
        carrierMessageId: input.messageId ?? null,
        carrierSentAt: input.sentAt ?? null,
        emailTo: email?.to ?? null,
        emailSource: email?.source ?? null,
      },
      request,
    );
    // A duplicate's notice was queued the first time (or start-up catches up): asking again is a no-op.
    await this.options.notices.notify(message.id);
    return { sms: message, duplicate };
  }
}
