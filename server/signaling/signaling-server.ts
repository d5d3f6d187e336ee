// socket.io signaling: softphones (namespace /phone, logged-in users) and the public caller page
// (namespace /caller, no login). Each connection becomes a PhoneEndpoint for the call engine; every
// event is checked against its schema on arrival, and a bad one is answered to its sender only.
import { parse as parseCookies } from 'cookie';
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { z } from 'zod';
import type { Sessions } from '../auth/sessions.ts';
import { CallRefused, type CallEngine } from '../calls/call-engine.ts';
import type { PhoneRegistry } from '../calls/phone-registry.ts';
import type { PhoneEndpoint } from '../calls/ports.ts';
import { SESSION_COOKIE } from '../http/session-routes.ts';
import type { Logger } from '../logger.ts';
import {
  AnswerRequest,
  CallRequest,
  DialRequest,
  HoldRequest,
  type CallUpdate,
  type ClientToServerEvents,
  type IncomingCall,
  type Result,
  type ServerToClientEvents,
} from './protocol.ts';

type PhoneSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SignalingOptions {
  engine: CallEngine;
  phones: PhoneRegistry;
  sessions: Sessions;
  logger: Logger;
  /** How often the server checks that a browser is still there; a vanished one is noticed within 2x. */
  heartbeatMs: number;
}

let nextEndpoint = 1;

class SocketEndpoint implements PhoneEndpoint {
  readonly id = `endpoint-${nextEndpoint++}`;

  constructor(
    private readonly socket: PhoneSocket,
    readonly userId: string | null,
    readonly extension: string | null,
    readonly address: string,
  ) {}

  incoming(call: IncomingCall): void {
    this.socket.emit('incoming', call);
  }

  update(update: CallUpdate): void {
    this.socket.emit('call-update', update);
  }

  historyChanged(): void {
    this.socket.emit('history-changed');
  }

  voicemailChanged(summary: { newMessages: number }): void {
    this.socket.emit('voicemail-changed', summary);
  }
}

export function attachSignaling(httpServer: HttpServer, options: SignalingOptions): Server {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    serveClient: false,
    pingInterval: options.heartbeatMs,
    pingTimeout: options.heartbeatMs,
    maxHttpBufferSize: 64 * 1024,
  });

  const phoneNamespace = io.of('/phone');
  phoneNamespace.use((socket, next) => {
    const token = parseCookies(socket.request.headers.cookie ?? '')[SESSION_COOKIE];
    const identity = options.sessions.find(token);
    if (identity?.kind !== 'user') return next(new Error('Log in with your extension first'));
    socket.data.identity = identity;
    next();
  });
  serve(phoneNamespace, options, (socket) => {
    const identity = socket.data.identity as { userId: string; extension: string };
    return new SocketEndpoint(socket, identity.userId, identity.extension, socket.handshake.address);
  });
  serve(io.of('/caller'), options, (socket) => new SocketEndpoint(socket, null, null, socket.handshake.address));
  return io;
}

function serve(namespace: Namespace<ClientToServerEvents, ServerToClientEvents>, options: SignalingOptions, endpointFor: (socket: PhoneSocket) => SocketEndpoint): void {
  namespace.on('connection', (socket) => {
    const endpoint = endpointFor(socket);
    const { engine, phones, logger } = options;
    phones.add(endpoint);
    logger.debug({ endpoint: endpoint.id, extension: endpoint.extension, address: endpoint.address }, 'phone connected');

    socket.on('dial', (raw, ack) => respond(socket, DialRequest, raw, ack, (request) => engine.dial(endpoint, request)));
    socket.on('answer', (raw, ack) => respond(socket, AnswerRequest, raw, ack, (request) => engine.answer(endpoint, request)));
    socket.on('hold', (raw, ack) =>
      respond(socket, HoldRequest, raw, ack, async (request) => {
        engine.hold(endpoint, request.callId, request.hold);
        return {};
      }));
    socket.on('reject', (raw) => respond(socket, CallRequest, raw, undefined, async ({ callId }) => (engine.reject(endpoint, callId), {})));
    socket.on('hangup', (raw) => respond(socket, CallRequest, raw, undefined, async ({ callId }) => (engine.hangup(endpoint, callId), {})));
    socket.on('disconnect', (reason) => {
      logger.debug({ endpoint: endpoint.id, reason }, 'phone disconnected');
      phones.remove(endpoint);
      engine.endpointGone(endpoint);
    });
  });

  /** Validates, runs, and answers through the ack (or a signaling-error event when there is none). */
  async function respond<S extends z.ZodType, T extends object>(
    socket: PhoneSocket,
    schema: S,
    raw: unknown,
    ack: unknown,
    run: (request: z.infer<S>) => Promise<T>,
  ): Promise<void> {
    const reply = (result: Result<T>) => {
      if (typeof ack === 'function') (ack as (r: Result<T>) => void)(result);
      else if (!result.ok) socket.emit('signaling-error', result.error);
    };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply({ ok: false, error: `Invalid request: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
    }
    try {
      reply({ ok: true, ...(await run(parsed.data)) });
    } catch (error) {
      if (!(error instanceof CallRefused)) options.logger.error({ err: error }, 'signaling request failed');
      reply({ ok: false, error: error instanceof CallRefused ? error.message : 'The PBX could not do that' });
    }
  }
}
