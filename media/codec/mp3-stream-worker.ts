// The body of the worker thread behind Mp3Streams: one Mp3Stream per open stream, so that LAME
// runs beside the PBX's own thread rather than on it.
import { parentPort, workerData } from 'node:worker_threads';
import { kernelThreadId, runAsBackgroundThread } from '../background-thread.ts';
import { Mp3Stream } from './mp3-stream.ts';
import type { Mp3StreamReply, Mp3StreamRequest } from './mp3-streams.ts';

const { backlogSamples, sampleRate, bitrateKbps } = workerData as { backlogSamples: number; sampleRate: 24000; bitrateKbps: number };
const streams = new Map<number, Mp3Stream>();
const port = parentPort!;

runAsBackgroundThread();
port.postMessage({ type: 'started', tid: kernelThreadId() } satisfies Mp3StreamReply);

port.on('message', (request: Mp3StreamRequest) => {
  switch (request.type) {
    case 'append': {
      let stream = streams.get(request.id);
      if (!stream) streams.set(request.id, (stream = new Mp3Stream({ backlogSamples, sampleRate, bitrateKbps })));
      stream.append(request.samples, request.safeEnd);
      return;
    }
    case 'finish': {
      const stream = streams.get(request.id) ?? new Mp3Stream({ backlogSamples, sampleRate, bitrateKbps });
      streams.delete(request.id);
      let reply: Mp3StreamReply;
      try {
        const mp3 = stream.finish(request.endSample);
        reply = { type: 'finished', id: request.id, mp3 };
        port.postMessage(reply, [mp3.buffer as ArrayBuffer]);
      } catch (error) {
        reply = { type: 'failed', id: request.id, error: error instanceof Error ? error.message : String(error) };
        port.postMessage(reply);
      }
      return;
    }
    case 'abandon':
      streams.delete(request.id);
      return;
  }
});
