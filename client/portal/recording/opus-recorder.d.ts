// Types for opus-recorder (it ships none): only what the portal uses.
declare module 'opus-recorder' {
  interface RecorderOptions {
    encoderPath?: string;
    numberOfChannels?: 1 | 2;
    encoderSampleRate?: 8000 | 12000 | 16000 | 24000 | 48000;
    encoderFrameSize?: number;
    encoderApplication?: 2048 | 2049 | 2051;
    encoderBitRate?: number;
    mediaTrackConstraints?: MediaTrackConstraints | boolean;
    streamPages?: boolean;
  }
  export default class Recorder {
    constructor(options?: RecorderOptions);
    static isRecordingSupported(): boolean;
    readonly encodedSamplePosition: number;
    ondataavailable: (data: Uint8Array) => void;
    onstop: () => void;
    start(): Promise<void>;
    stop(): Promise<void>;
    close(): void;
  }
}

/** vite serves the file from node_modules and gives its URL. */
declare module 'opus-recorder/dist/encoderWorker.min.js?url' {
  const url: string;
  export default url;
}
