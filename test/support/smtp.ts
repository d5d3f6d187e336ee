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
  close(): Promise<void>;
}

export async function startSmtpServer(port = 0): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS with smtp-server's test certificate, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A message cut short never ends: smtp-server destroys its stream with an error instead.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
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
