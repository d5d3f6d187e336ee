// A real SMTP server on loopback for an embedded run: the PBX sends its e-mail notices to it, and
// the runner checks what arrived (recipient, subject, attachments). smtp-server and mailparser are
// development dependencies: without them the runner checks the outbox instead.
export interface CapturedMail {
  to: string[];
  subject: string;
  /** The Message-ID header, as the outbox keeps it. */
  messageId: string;
  receivedAt: number;
  attachments: { filename: string; contentType: string; size: number }[];
}

export interface MailCapture {
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
}

export async function startMailCapture(): Promise<MailCapture | null> {
  let modules: [typeof import('smtp-server'), typeof import('mailparser')];
  try {
    modules = await Promise.all([import('smtp-server'), import('mailparser')]);
  } catch {
    return null;
  }
  const [{ SMTPServer }, { simpleParser }] = modules;
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 50 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((list) => list.value.map((address) => address.address ?? ''));
            mails.push({
              to,
              subject: mail.subject ?? '',
              messageId: mail.messageId ?? '',
              receivedAt: Date.now(),
              attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
