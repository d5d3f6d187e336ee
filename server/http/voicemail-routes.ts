// Voicemail messages and e-mail notices over HTTP (docs/API.md: Voicemail, Outbox).
// A softphone user reaches the messages of one box only: the enabled box they own in production.
// Anything else, another user's message included, is "not found", so ids reveal nothing.
// Admins see every box's messages and the outbox.
import { Router, type Request, type Response } from 'express';
import type { PbxConfig } from '../../data/schema.ts';
import { userVoicemailBox, type MessageCounts, type VoicemailMessage, type VoicemailStore } from '../../data/voicemail-store.ts';
import type { Notice, NoticeAttachment, Outbox } from '../notifications/outbox.ts';
import { NOT_CONFIGURED } from '../notifications/outbox.ts';
import { HttpError } from './errors.ts';
import { identityOf, requireAdmin, requireSession } from './session-routes.ts';

export interface VoicemailRouteDeps {
  voicemail: VoicemailStore;
  outbox: Outbox;
  /** Production: whose box is whose. */
  production: () => PbxConfig;
  /** The draft: the boxes the portal lists (a new box is there before it is applied). */
  draft: () => PbxConfig;
}

/** A message as the API shows it. */
export interface MessageView {
  id: string;
  boxId: string;
  callerName: string;
  callerNumber: string;
  dialled: string;
  startedAt: string;
  durationMs: number;
  status: 'new' | 'heard';
  heardAt: string | null;
  recovered: boolean;
  /** Plays in the page (inline); add ?download=1 to save it. */
  audioUrl: string;
}

function view(message: VoicemailMessage, audioUrl: string): MessageView {
  return {
    id: message.id,
    boxId: message.boxId,
    callerName: message.callerName,
    callerNumber: message.callerNumber,
    dialled: message.dialled,
    startedAt: message.startedAt,
    durationMs: message.durationMs,
    status: message.status === 'heard' ? 'heard' : 'new',
    heardAt: message.heardAt,
    recovered: message.recovered,
    audioUrl,
  };
}

/** e.g. voicemail-20260302-0915-33612345678.ogg: when and who, in ASCII for every browser. */
function audioFileName(message: VoicemailMessage, extension: string): string {
  const when = Number.isNaN(Date.parse(message.startedAt)) ? '' : `-${new Date(message.startedAt).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`;
  const digits = message.callerNumber.replace(/[^0-9]/g, '');
  return `voicemail${when}${digits ? `-${digits}` : ''}.${extension}`;
}

/** Sends a stored file: inline (to play in the page) or, with ?download=1, as an attachment. */
function sendStoredFile(request: Request, response: Response, path: string, contentType: string, fileName: string): Promise<void> {
  const download = request.query.download !== undefined && request.query.download !== '0';
  const safeName = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Promise((resolve, reject) => {
    response.sendFile(
      path,
      {
        headers: {
          'Content-Type': contentType,
          'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename="${safeName}"`,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, no-cache',
        },
      },
      (error) => {
        if (!error) return resolve();
        if (response.headersSent) return resolve();
        reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new HttpError(404, 'The audio of this message is missing') : error);
      },
    );
  });
}

export function voicemailRoutes(deps: VoicemailRouteDeps): Router {
  const router = Router();
  router.use('/phone/voicemail', requireSession, phoneVoicemailRoutes(deps));
  router.use('/voicemail', requireAdmin, adminVoicemailRoutes(deps));
  router.use('/outbox', requireAdmin, outboxRoutes(deps.outbox));
  return router;
}

// --- the softphone: the user's own box ---

function phoneVoicemailRoutes({ voicemail, production }: VoicemailRouteDeps): Router {
  const router = Router();

  /** The user's box, or null when they have none (Voicemail: No). */
  const ownBox = (response: Response) => {
    const identity = identityOf(response);
    if (!identity) throw new HttpError(401, 'Log in first');
    if (identity.kind !== 'user') throw new HttpError(403, 'Softphone users only');
    return userVoicemailBox(production(), identity.userId) ?? null;
  };

  /** A message of the user's own box; anything else is not found. */
  const ownMessage = (request: Request, response: Response): VoicemailMessage => {
    const box = ownBox(response);
    const message = voicemail.get(String(request.params.messageId));
    if (!box || !message || message.boxId !== box.id || message.status === 'recording') {
      throw new HttpError(404, `No voicemail message ${String(request.params.messageId)}`);
    }
    return message;
  };

  const audioUrl = (id: string) => `/api/phone/voicemail/${encodeURIComponent(id)}/audio`;
  const summary = (boxId: string | undefined): { counts: MessageCounts } => ({ counts: boxId ? voicemail.counts(boxId) : { new: 0, heard: 0 } });

  router.get('/', (_request, response) => {
    const box = ownBox(response);
    response.json({
      box: box ? { id: box.id, name: box.name } : null,
      ...summary(box?.id),
      messages: box ? voicemail.list(box.id).map((m) => view(m, audioUrl(m.id))) : [],
    });
  });

  router.get('/:messageId/audio', async (request, response) => {
    const message = ownMessage(request, response);
    await sendStoredFile(request, response, voicemail.audioPath(message.id), 'audio/ogg', audioFileName(message, 'ogg'));
  });

  router.post('/:messageId/heard', async (request, response) => {
    const message = ownMessage(request, response);
    await voicemail.markHeard(message.id);
    response.json({ message: view(voicemail.get(message.id)!, audioUrl(message.id)), ...summary(message.boxId) });
  });

  router.delete('/:messageId', async (request, response) => {
    const message = ownMessage(request, response);
    await voicemail.remove(message.id);
    response.json(summary(message.boxId));
  });

  return router;
}

// --- the portal: every box ---

function adminVoicemailRoutes({ voicemail, production, draft }: VoicemailRouteDeps): Router {
  const router = Router();
  const audioUrl = (id: string) => `/api/voicemail/messages/${encodeURIComponent(id)}/audio`;

  router.get('/counts', (_request, response) => {
    const counts = voicemail.allCounts();
    for (const config of [draft(), production()]) for (const box of config.voicemailBoxes) counts[box.id] ??= { new: 0, heard: 0 };
    response.json({ counts });
  });

  router.get('/boxes/:boxId/messages', (request, response) => {
    const boxId = String(request.params.boxId);
    const box = draft().voicemailBoxes.find((b) => b.id === boxId) ?? production().voicemailBoxes.find((b) => b.id === boxId);
    const messages = voicemail.list(boxId);
    // A box deleted from the configuration still shows the messages it kept.
    if (!box && messages.length === 0) throw new HttpError(404, `No voicemail box ${boxId}`);
    response.json({
      box: { id: boxId, name: box?.name ?? null },
      counts: voicemail.counts(boxId),
      messages: messages.map((m) => view(m, audioUrl(m.id))),
    });
  });

  router.get('/messages/:messageId/audio', async (request, response) => {
    const message = voicemail.get(String(request.params.messageId));
    if (!message || message.status === 'recording') throw new HttpError(404, `No voicemail message ${String(request.params.messageId)}`);
    await sendStoredFile(request, response, voicemail.audioPath(message.id), 'audio/ogg', audioFileName(message, 'ogg'));
  });

  return router;
}

// --- the portal: the outbox ---

export interface NoticeSummary extends Omit<Notice, 'text' | 'attachments' | 'messageId' | 'from' | 'smtpResponse'> {
  attachments: (Omit<NoticeAttachment, 'file'> & { index: number; url: string })[];
}

function outboxRoutes(outbox: Outbox): Router {
  const router = Router();
  const attachmentsOf = (notice: Notice) =>
    notice.attachments.map(({ file: _file, ...attachment }, index) => ({
      ...attachment,
      index,
      url: `/api/outbox/${encodeURIComponent(notice.id)}/attachments/${index}`,
    }));
  const find = (request: Request): Notice => {
    const notice = outbox.get(String(request.params.noticeId));
    if (!notice) throw new HttpError(404, `No notice ${String(request.params.noticeId)}`);
    return notice;
  };

  const summary = (notice: Notice): NoticeSummary => {
    const { text: _text, messageId: _messageId, from: _from, smtpResponse: _smtpResponse, ...rest } = notice;
    return { ...rest, attachments: attachmentsOf(notice) };
  };

  router.get('/', (_request, response) => {
    response.json({ smtpConfigured: outbox.smtpConfigured, notConfiguredText: NOT_CONFIGURED, notices: outbox.list().map(summary) });
  });

  router.post('/retry', (_request, response) => {
    if (!outbox.smtpConfigured) throw new HttpError(409, `Notices are ${NOT_CONFIGURED}: set SMTP_URL and restart the PBX`);
    outbox.retryAll();
    response.json({ pending: outbox.list().filter((n) => n.status === 'pending').length });
  });

  router.get('/:noticeId', (request, response) => {
    const notice = find(request);
    response.json({ ...notice, attachments: attachmentsOf(notice) });
  });

  router.get('/:noticeId/attachments/:index', async (request, response) => {
    const notice = find(request);
    const index = Number(request.params.index);
    if (!Number.isInteger(index) || index < 0 || index >= notice.attachments.length) throw new HttpError(404, `No attachment ${String(request.params.index)}`);
    const { path, attachment } = outbox.attachmentPath(notice.id, index);
    await sendStoredFile(request, response, path, attachment.contentType, attachment.filename);
  });

  return router;
}
