// How the API says no: every refusal is a 4xx JSON body naming what is wrong; a 500 means a bug.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { ApplyRefusedError, StaleDraftError, UnknownVersionError } from '../../data/config-store.ts';
import { EditRefused } from '../../data/draft-edits.ts';
import type { Logger } from '../logger.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function fieldsOf(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

export const notFound: RequestHandler = (request, _response, next) => {
  next(new HttpError(404, `No route ${request.method} ${request.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const { status, body } = describe(error);
    if (status >= 500) logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    response.status(status).json(body);
  };
}

function describe(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message, ...error.extra } };
  if (error instanceof ZodError) return { status: 400, body: { error: 'Invalid request body', fields: fieldsOf(error) } };
  if (error instanceof StaleDraftError) {
    return { status: 409, body: { error: error.message, changedBy: error.changedBy, changedAt: error.changedAt } };
  }
  if (error instanceof EditRefused) return { status: 409, body: { error: error.message } };
  if (error instanceof UnknownVersionError) return { status: 404, body: { error: error.message } };
  if (error instanceof ApplyRefusedError) {
    return { status: 422, body: { error: 'The draft has problems; nothing was applied', problems: error.problems } };
  }
  // body-parser's errors carry an HTTP status and a type.
  const parserError = error as { type?: string; status?: number; limit?: number };
  if (parserError.type === 'entity.too.large') return { status: 413, body: { error: `Request body too large (limit ${parserError.limit} bytes)` } };
  if (parserError.type === 'entity.parse.failed') return { status: 400, body: { error: 'Malformed JSON in request body' } };
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, body: { error: (error as Error).message } };
  }
  return { status: 500, body: { error: 'Internal error' } };
}
