// Recordings that become an audio message's audio: made by phone (the PBX records the call into a
// file of its own, then keeps all of it but the # tone) or in the browser (an Ogg Opus upload).
// Either way the Opus packets are kept as they came, saved as a new AudioStore file, and the draft's
// message points at it with source "recording"; Apply changes publishes it like any other edit.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Playable } from '../server/calls/ports.ts';
import { opusPacketSamples } from '../media/codec/opus-packet.ts';
import { OggOpusError, readOggOpus, type OggOpusStream } from '../media/rtp/ogg-opus-reader.ts';
import type { AudioStore } from './audio-store.ts';
import type { ConfigStore, Draft } from './config-store.ts';
import type { AudioMessage } from './schema.ts';

const SAMPLES_PER_MS = 48;

/** An upload that is not a recording the PBX can play; `status` is the HTTP answer it deserves. */
export class RecordingRejected extends Error {
  constructor(
    readonly status: 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The message is not in the draft (deleted meanwhile, or never there). */
export class UnknownAudioMessage extends Error {}

export class AudioMessageRecordingStore {
  /** Recordings being made by phone; nothing else is kept here (cleared at start-up). */
  readonly #directory: string;

  private constructor(
    dataDirectory: string,
    private readonly audio: AudioStore,
    private readonly config: ConfigStore,
  ) {
    this.#directory = join(dataDirectory, 'recordings-in-progress');
  }

  static async open(dataDirectory: string, audio: AudioStore, config: ConfigStore): Promise<AudioMessageRecordingStore> {
    const store = new AudioMessageRecordingStore(dataDirectory, audio, config);
    // A recording a stop interrupted has no call left to finish it.
    await rm(store.#directory, { recursive: true, force: true });
    await mkdir(store.#directory, { recursive: true });
    return store;
  }

  current(audioMessageId: string): Playable | null {
    const message = this.config.draft.config.audioMessages.find((m) => m.id === audioMessageId);
    if (!message?.fileId) return null;
    return { type: 'recording', path: this.audio.pathOf(message.fileId) };
  }

  async begin(): Promise<{ recordingId: string; path: string }> {
    const recordingId = randomUUID();
    return { recordingId, path: this.#pathOf(recordingId) };
  }

  async keep(recordingId: string, target: { audioMessageId: string; keepMs: number; by: string }): Promise<{ fileId: string; durationMs: number }> {
    try {
      const stream = readOggOpus(await readFile(this.#pathOf(recordingId)));
      const frames = firstMilliseconds(stream.packets, target.keepMs);
      const { message } = await this.#store(frames, target.audioMessageId, target.by);
      return { fileId: message.fileId!, durationMs: message.durationMs! };
    } finally {
      await this.discard(recordingId);
    }
  }

  async discard(recordingId: string): Promise<void> {
    await rm(this.#pathOf(recordingId), { force: true });
  }

  /**
   * A recording made in the browser: must be Ogg Opus (by its content, not its name) with 20 ms
   * frames, which is what the PBX plays frame by frame.
   */
  async saveUpload(bytes: Uint8Array, audioMessageId: string, by: string, expectedRevision?: number): Promise<{ message: AudioMessage; draft: Draft }> {
    if (!this.config.draft.config.audioMessages.some((m) => m.id === audioMessageId)) throw new UnknownAudioMessage(`No audio message with id ${audioMessageId}`);
    let stream: OggOpusStream;
    try {
      stream = readOggOpus(bytes);
    } catch (error) {
      if (error instanceof OggOpusError) throw new RecordingRejected(415, `Not an Ogg Opus recording: ${error.message}`);
      throw error;
    }
    if (stream.head.channels > 2 || stream.head.mappingFamily !== 0) throw new RecordingRejected(415, 'Only mono or stereo Ogg Opus recordings are accepted');
    if (stream.damagedBytes > 0 || stream.unfinishedPacket) throw new RecordingRejected(422, 'The recording is cut short (its last page is damaged or missing)');
    for (const packet of stream.packets) {
      const samples = opusPacketSamples(packet);
      if (samples !== 960) {
        throw new RecordingRejected(415, samples === undefined ? 'The recording holds a damaged Opus packet' : `Opus frames must last 20 ms; this recording has ${samples / SAMPLES_PER_MS} ms frames`);
      }
    }
    if (stream.packets.length * 20 < 500) throw new RecordingRejected(422, 'The recording is empty or shorter than half a second');
    return this.#store(stream.packets, audioMessageId, by, expectedRevision);
  }

  async #store(frames: Uint8Array[], audioMessageId: string, by: string, expectedRevision?: number): Promise<{ message: AudioMessage; draft: Draft }> {
    const durationMs = frames.reduce((ms, frame) => ms + (opusPacketSamples(frame) ?? 0) / SAMPLES_PER_MS, 0);
    const saved = await this.audio.save({ frames, durationMs: Math.round(durationMs) }, { TITLE: 'Audio message' });
    // A file nothing refers to (the message was deleted meanwhile) goes at the next sweep.
    const draft = await this.config.editDraft(by, expectedRevision, (config) => {
      if (!config.audioMessages.some((m) => m.id === audioMessageId)) throw new UnknownAudioMessage(`The audio message ${audioMessageId} is no longer in the draft`);
      return {
        ...config,
        audioMessages: config.audioMessages.map((m) => (m.id === audioMessageId ? { ...m, source: 'recording' as const, fileId: saved.fileId, durationMs: saved.durationMs } : m)),
      };
    });
    return { message: draft.config.audioMessages.find((m) => m.id === audioMessageId)!, draft };
  }

  #pathOf(recordingId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(recordingId)) throw new Error(`not a recording id: ${recordingId}`);
    return join(this.#directory, `${recordingId}.ogg`);
  }
}

/** The packets that make up the first `ms` of the audio. */
function firstMilliseconds(packets: Uint8Array[], ms: number): Uint8Array[] {
  const limit = ms * SAMPLES_PER_MS;
  let samples = 0;
  let count = 0;
  for (const packet of packets) {
    const length = opusPacketSamples(packet) ?? 0;
    if (samples + length > limit) break;
    samples += length;
    count++;
  }
  return packets.slice(0, count);
}
