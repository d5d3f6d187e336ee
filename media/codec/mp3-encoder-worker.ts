// The body of the worker thread that `oggOpusToMp3OffThread` starts: one conversion, then it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { oggOpusToMp3, type OggOpusToMp3Options } from './mp3-encoder.ts';

const { oggOpus, options } = workerData as { oggOpus: Uint8Array; options: OggOpusToMp3Options };
const result = await oggOpusToMp3(oggOpus, options);
parentPort!.postMessage(result, [result.mp3.buffer as ArrayBuffer]);
