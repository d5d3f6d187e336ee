// Incoming SMS over HTTP (docs/API.md: Incoming SMS). The webhook a carrier adapter calls is
// authenticated by a signature over the raw body, not by a session, so it is mounted before the
// API's JSON parser; the portal's listing is an admin route like the others.
import express, { Router, type RequestHandler } from 'express';
import type { PbxConfig } from '../../data/schema.ts';
import type { SmsMessage, SmsStore } from '../../data/sms-store.ts';
import type { NoticeStatus, Outbox } from '../notifications/outbox.ts';
import { smsNoticeId } from '../notifications/sms-notice.ts';
import { InboundSms, NotSmsCompatibleError, smsEmailOf, SmsTooLongError, UnknownSmsNumberError, type SmsInbox } from '../sms/sms-inbox.ts';
import { checkSmsWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../sms/webhook-signature.ts';
import { HttpError } from './errors.ts';

/**
 * Far above 1 600 characters even written as \uXXXX escapes; beyond it, 413 before anything else.
 * No Content-Encoding (inflate off, 415): the signature is over the bytes as sent.
 */
const WEBHOOK_BODY_LIMIT = '64kb';

export interface SmsWebhookDeps {
  inbox: SmsInbox;
  /** SMS_WEBHOOK_SECRET; undefined: the webhook is off (503). */
  secret: string | undefined;
  now?: () => Date;
}

/** POST /api/sms/inbound. */
export function smsWebhookRoutes({ inbox, secret, now = () => new Date() }: SmsWebhookDeps): Router {
  const router = Router();
  const configured: RequestHandler = (_request, _response, next) => {
    next(secret ? undefined : new HttpError(503, 'Incoming SMS are not set up on this PBX: SMS_WEBHOOK_SECRET is not set (see the README)'));
  };
  router.post('/', configured, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT, inflate: false }), async (request, response) => {
    const rawBody: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = checkSmsWebhookSignature(secret!, { timestamp: request.get(TIMESTAMP_HEADER), signature: request.get(SIGNATURE_HEADER), rawBody }, now());
    if (!check.ok) throw new HttpError(401, check.problem);
    if (!request.is('application/json')) throw new HttpError(415, 'Request body must be JSON (Content-Type: application/json)');
    let json: string;
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
    } catch {
      throw new HttpError(400, 'Request body is not UTF-8');
    }
    let body: unknown;
    try {
      body = JSON.parse(json);
    } catch {
      throw new HttpError(400, 'Malformed JSON in request body');
    }
    const input = InboundSms.parse(body);
    try {
      const { sms, duplicate } = await inbox.receive(input, { key: check.requestKey, until: check.replayableUntil });
      response.status(duplicate ? 200 : 201).json({ id: sms.id, duplicate, emailTo: sms.emailTo });
    } catch (error) {
      if (error instanceof SmsTooLongError) throw new HttpError(413, error.message, { fields: [{ field: 'text', message: error.message }] });
      if (error instanceof UnknownSmsNumberError) throw new HttpError(404, error.message, { fields: [{ field: 'to', message: 'not an incoming number of this PBX' }] });
      if (error instanceof NotSmsCompatibleError) throw new HttpError(409, error.message, { fields: [{ field: 'to', message: 'not SMS compatible' }] });
      throw error;
    }
  });
  return router;
}

export interface SmsAdminDeps {
  store: SmsStore;
  outbox: Outbox;
  production: () => PbxConfig;
  draft: () => PbxConfig;
}

/** An SMS as the portal shows it. */
export interface SmsView {
  id: string;
  from: string;
  to: string;
  text: string;
  receivedAt: string;
  carrierMessageId: string | null;
  carrierSentAt: string | null;
  /** null: no address on the number nor in Settings when it came; stored, not e-mailed. */
  email: {
    to: string;
    source: 'number' | 'default';
    /** The outbox's status; "pending" too while the notice is being queued. */
    status: NoticeStatus;
    /** The notice in the outbox, while it is there (sent ones go after 30 days). */
    noticeId: string | null;
  } | null;
}

export interface NumberSms {
  number: { id: string; number: string; label: string };
  /** How SMS to it are handled now, as applied; null when the number is not in production. */
  production: { smsCompatible: boolean; email: { to: string; source: 'number' | 'default' } | null } | null;
  /** False: e-mails wait in the outbox (no SMTP_URL). */
  smtpConfigured: boolean;
  messages: SmsView[];
}

/** GET /api/sms/… (admin). */
export function smsAdminRoutes({ store, outbox, production, draft }: SmsAdminDeps): Router {
  const router = Router();

  const view = (sms: SmsMessage): SmsView => {
    let email: SmsView['email'] = null;
    if (sms.emailTo !== null) {
      const notice = outbox.get(smsNoticeId(sms.id));
      // A notice no longer in the outbox was sent (only sent ones are cleaned up).
      const status = notice?.status ?? (sms.noticeQueuedAt ? 'sent' : 'pending');
      email = { to: sms.emailTo, source: sms.emailSource ?? 'number', status, noticeId: notice ? notice.id : null };
    }
    const { id, from, to, text, receivedAt, carrierMessageId, carrierSentAt } = sms;
    return { id, from, to, text, receivedAt, carrierMessageId, carrierSentAt, email };
  };

  router.get('/counts', (_request, response) => {
    response.json({ counts: store.counts() });
  });

  router.get('/numbers/:numberId', (request, response) => {
    const numberId = String(request.params.numberId);
    const applied = production();
    const inProduction = applied.incomingNumbers.find((n) => n.id === numberId);
    const known = draft().incomingNumbers.find((n) => n.id === numberId) ?? inProduction;
    const messages = store.list(numberId);
    // A number deleted from the configuration still shows the SMS it received.
    if (!known && messages.length === 0) throw new HttpError(404, `No incoming number ${numberId}`);
    const body: NumberSms = {
      number: known ? { id: known.id, number: known.number, label: known.label } : { id: numberId, number: messages[0]!.to, label: '' },
      production: inProduction ? { smsCompatible: inProduction.smsCompatible, email: smsEmailOf(applied, inProduction) } : null,
      smtpConfigured: outbox.smtpConfigured,
      messages: messages.map(view),
    };
    response.json(body);
  });

  return router;
}
