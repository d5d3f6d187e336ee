// The body of the worker thread behind SpeechThread: one eSpeak NG for the thread's life, jobs one
// at a time in the order they come, progress after every sentence, the result as 48 kHz PCM
// (Opus encoding stays with the caller: @evan/opus in a worker crashes the process when the
// thread ends).
import { parentPort } from 'node:worker_threads';
import { EspeakSynthesizer } from './espeak.ts';
import type { SpeechThreadReply, SpeechThreadRequest } from './speech-thread.ts';
import { speakText } from './text-speech.ts';

const espeak = await EspeakSynthesizer.load();
const port = parentPort!;
const reply = (message: SpeechThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (request: SpeechThreadRequest | 'close') => {
  if (request === 'close') process.exit(0);
  const { id, job } = request;
  try {
    const pcm = speakText(espeak, job, (done, total) => reply({ id, progress: done / total }));
    reply({ id, pcm }, [pcm.buffer as ArrayBuffer]);
  } catch (error) {
    reply({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
reply({ ready: true });
