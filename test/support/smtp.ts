// A real SMTP server on loopback for e-mail tests (smtp-server), keeping each message it accepted
// in full, parsed with mailparser; and a TCP proxy in front of it that can cut a connection in the
// middle of a message, as a server that crashes or a network that drops does.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  port: number;
  /** Messages accepted in full (250 after the final dot), in order. */
  messages: ParsedMail[];
  /** Connections opened so far. */
  connections(): number;
  waitForMessages(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Messages received whole and not answered yet (see SmtpServerOptions.acceptDelayMs). */
  holding(): number;
  /** How long the most recently received of the messages held has been held, in ms; undefined when none is. */
  newestHoldMs(): number | undefined;
  /** Messages received whole whose sender left before the 250: not accepted, not delivered. */
  abandoned(): number;
  /**
   * On: every message received whole is held, unanswered, until this is turned off; then each is
   * accepted, or abandoned if its sender has left meanwhile. A test that kills the PBX while it is
   * on never kills it between a 250 and the PBX writing the notice down (docs/SECURITY.md).
   */
  holdEverything(on: boolean): void;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  /**
   * Time between the end of a message and the 250 that accepts it, as a slow server takes to
   * commit it. A sender that goes away meanwhile never hears the 250, and the message is not
   * delivered: the server only answers for what it acknowledged.
   */
  acceptDelayMs?: number;
}

export async function startSmtpServer(port = 0, options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  let connections = 0;
  let holding = 0;
  let newestHoldStartedAt = 0;
  let holdingEverything = false;
  const heldUntilRelease: (() => void)[] = [];
  let abandoned = 0;
  const closedSessions = new Set<string>();
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS with smtp-server's test certificate, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A message cut short never ends: smtp-server destroys its stream with an error instead.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        holding++;
        newestHoldStartedAt = performance.now();
        const answer = () => {
          holding--;
          if (closedSessions.has(session.id)) {
            abandoned++;
            callback(new Error('the sender left before the message was accepted'));
            return;
          }
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              messages.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        };
        setTimeout(() => (holdingEverything ? heldUntilRelease.push(answer) : answer()), options.acceptDelayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    messages,
    connections: () => connections,
    async waitForMessages(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} e-mails, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    holding: () => holding,
    newestHoldMs: () => (holding > 0 ? performance.now() - newestHoldStartedAt : undefined),
    holdEverything(on) {
      holdingEverything = on;
      if (!on) for (const answer of heldUntilRelease.splice(0)) answer();
    },
    abandoned: () => abandoned,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CuttingProxy {
  port: number;
  /** Connections cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

/**
 * Forwards to `targetPort`; the first `cutConnections` connections are cut (both sides destroyed)
 * once the client has sent `afterBytes` bytes, i.e. in the middle of the message's DATA.
 */
export async function startCuttingProxy(targetPort: number, options: { cutConnections: number; afterBytes: number }): Promise<CuttingProxy> {
  let cuts = 0;
  let seen = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cutThis = seen++ < options.cutConnections;
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (cutThis && sent >= options.afterBytes) {
        cuts++;
        const keep = chunk.subarray(0, Math.max(0, chunk.length - (sent - options.afterBytes)));
        upstream.write(keep, () => {
          client.destroy();
          upstream.destroy();
        });
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cuts: () => cuts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
