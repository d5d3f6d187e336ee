// The trace of a call (admin only): what the PBX did in it, step by step. The call-flow runner
// reads it to check which prompts a caller heard; a public caller never sees it.
import { Router } from 'express';
import type { CallTrace } from '../calls/call-trace.ts';
import { HttpError } from './errors.ts';

export interface CallTraceReader {
  get(callId: string): CallTrace | undefined;
}

export function callTraceRoutes(traces: CallTraceReader): Router {
  const router = Router();
  router.get('/calls/:callId/trace', (request, response) => {
    const trace = traces.get(request.params.callId);
    if (!trace) throw new HttpError(404, 'No trace for this call (unknown, or ended too long ago)');
    response.json(trace);
  });
  return router;
}
