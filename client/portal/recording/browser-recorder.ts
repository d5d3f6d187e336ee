// Recording from the microphone in the browser as Ogg Opus (opus-recorder: libopus in WebAssembly
// on a worker), in the shape the PBX plays: mono, 48 kHz, 20 ms frames. The worker script is served
// by vite from node_modules, never fetched from elsewhere at run time.
import Recorder from 'opus-recorder';
import encoderPath from 'opus-recorder/dist/encoderWorker.min.js?url';

export interface BrowserRecording {
  /** Stops and gives the Ogg Opus file. */
  stop(): Promise<Blob>;
  /** Stops and throws the audio away (the dialog was closed). */
  cancel(): void;
}

export function browserRecordingSupported(): boolean {
  return Recorder.isRecordingSupported();
}

/** Asks for the microphone and starts recording; rejects when the browser refuses it. */
export async function startBrowserRecording(): Promise<BrowserRecording> {
  const recorder = new Recorder({
    encoderPath,
    numberOfChannels: 1,
    encoderSampleRate: 48000,
    encoderFrameSize: 20,
    encoderApplication: 2048,
    encoderBitRate: 32000,
    mediaTrackConstraints: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const file = new Promise<Blob>((resolve) => {
    recorder.ondataavailable = (data) => resolve(new Blob([new Uint8Array(data)], { type: 'audio/ogg' }));
  });
  await recorder.start();
  return {
    stop: async () => {
      await recorder.stop();
      return file;
    },
    cancel: () => {
      recorder.ondataavailable = () => {};
      void recorder.stop().catch(() => {});
    },
  };
}
