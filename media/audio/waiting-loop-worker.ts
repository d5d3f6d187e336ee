// The body of the worker thread that `renderWaitingLoopOffThread` starts: one mix, then it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { packFrames, unpackFrames } from '../codec/packed-clip.ts';
import { renderWaitingLoop, type WaitingLoopTask } from './waiting-loop.ts';

const task = workerData as WaitingLoopTask;
const loop = packFrames(renderWaitingLoop(unpackFrames(task.music.bytes, task.music.lengths), unpackFrames(task.message.bytes, task.message.lengths), task.repeatAfterSeconds));
parentPort!.postMessage(loop, [loop.bytes.buffer as ArrayBuffer, loop.lengths.buffer as ArrayBuffer]);
