// The composition root: reads the settings, opens storage, wires the parts and starts listening.
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CallHistory } from '../data/call-history.ts';
import { ConfigStore } from '../data/config-store.ts';
import { createDefaultConfig } from '../data/default-config.ts';
import { beepTone, defaultHoldMusic, ringbackTone } from '../media/audio/tones.ts';
import { encodeOpusClip } from '../media/codec/opus-clip.ts';
import { OPUS_SAMPLE_RATE } from '../media/codec/opus.ts';
import { LoopTrack, Player } from '../media/player/player.ts';
import { readOggOpusFile } from '../media/rtp/ogg-opus-reader.ts';
import { EspeakSynthesizer } from '../media/tts/espeak.ts';
import { defaultAnnouncedAddresses } from '../media/webrtc/leg.ts';
import { MediaWorker } from '../media/webrtc/remote-leg.ts';
import { AdminAccounts } from './auth/admin-accounts.ts';
import { LoginGuard } from './auth/login-guard.ts';
import { generatePassword, hashPassword } from './auth/passwords.ts';
import { Sessions } from './auth/sessions.ts';
import { SettableClock, systemClock } from './clock.ts';
import { readEnvironment } from './environment.ts';
import { createApp } from './http/app.ts';
import { CallEngine } from './calls/call-engine.ts';
import { CallTraces } from './calls/call-trace.ts';
import { PhoneRegistry } from './calls/phone-registry.ts';
import { createLogger } from './logger.ts';
import { PromptLibrary } from './media-plane/prompt-library.ts';
import { HoldMusic } from './media-plane/hold-music.ts';
import { WaitingMusic } from './media-plane/waiting-music.ts';
import { sweepUnreferencedAudio } from '../data/audio-references.ts';
import type { PbxConfig } from '../data/schema.ts';
import { encodeUploadedAudioOffThread } from '../media/audio/upload-encoding.ts';
import { MUSIC_LOUDNESS, renderWaitingLoopOffThread } from '../media/audio/waiting-loop.ts';
import { AudioMessageClips } from './media-plane/audio-message-clips.ts';
import { AudioStore } from '../data/audio-store.ts';
import { TextMessages } from './audio-messages/text-messages.ts';
import { SpeechThread } from '../media/tts/speech-thread.ts';
import { voiceCatalogue } from '../media/tts/voice-catalogue.ts';
import { WebrtcMediaPlane } from './media-plane/webrtc-media-plane.ts';
import { attachSignaling } from './signaling/signaling-server.ts';
// --- voicemail storage and e-mail notices ---
import { VoicemailStore } from '../data/voicemail-store.ts';
import { Outbox, smtpTransport } from './notifications/outbox.ts';
import { Mp3Streams } from '../media/codec/mp3-streams.ts';
import { VoicemailNotices } from './notifications/voicemail-notice.ts';
// --- incoming SMS ---
import { SmsStore } from '../data/sms-store.ts';
import { SmsNotices } from './notifications/sms-notice.ts';
import { SmsInbox } from './sms/sms-inbox.ts';
// --- recording audio messages (by phone, in the browser) ---
import { AudioMessageRecordingStore } from '../data/audio-message-recordings.ts';
import { MessageRecordingCalls } from './calls/message-recording-calls.ts';

const FIFTEEN_MINUTES = 15 * 60_000;
/** Longest uploaded audio (music on hold, messages): 10 minutes decode to 115 MB of samples while encoded. */
const MAX_AUDIO_SECONDS = 600;
/** socket.io heartbeat: a vanished browser is noticed within two of these. */
const HEARTBEAT_MS = 4000;

async function main(): Promise<void> {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL);
  const dataDir = resolve(env.DATA_DIR);
  await mkdir(dataDir, { recursive: true });

  const { accounts: admins, generatedPassword } = await AdminAccounts.open(dataDir, env.ADMIN_PASSWORD);
  const firstUserPasswords: Record<string, string> = {};
  const store = await ConfigStore.open(dataDir, async () => {
    const passwords = { '101': generatePassword(8), '102': generatePassword(8) };
    Object.assign(firstUserPasswords, passwords);
    return createDefaultConfig({ '101': await hashPassword(passwords['101']), '102': await hashPassword(passwords['102']) });
  });
  const sessions = await Sessions.open(dataDir, env.SESSION_HOURS * 3600_000);
  const callHistory = await CallHistory.open(dataDir);

  // --- voicemail storage and e-mail notices ---
  // Before any call: recordings a stop interrupted are repaired and saved (or dropped), and the
  // notices of messages saved just before a stop are put in the outbox, once.
  const voicemail = await VoicemailStore.open(dataDir, {
    config: () => store.production.config,
    log: (event, details) => logger.info(details, event),
  });
  const outbox = await Outbox.open(dataDir, { transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL) : null, from: env.MAIL_FROM, logger });
  // Each recording makes its MP3 as the caller speaks, on a worker thread; its notice finishes it.
  const mp3Streams = new Mp3Streams({
    onStart: (thread) => logger.info(thread, 'MP3 stream worker started'),
    onError: (error) => logger.error({ err: error }, 'MP3 stream worker failed; MP3s are made from the recordings'),
  });
  const voicemailNotices = new VoicemailNotices({
    store: voicemail,
    outbox,
    mp3Streams,
    config: () => store.production.config,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    logger,
  });
  voicemailNotices.start();
  await voicemail.recoverInterrupted();
  if (!outbox.smtpConfigured) logger.info('no SMTP_URL: e-mail notices wait in the outbox (portal: Outbox)');
  // --- end of voicemail storage and e-mail notices ---

  // --- incoming SMS: stored, then e-mailed through the same outbox; SMS stored just before a stop get their e-mail now ---
  const smsStore = await SmsStore.open(dataDir);
  const smsNotices = new SmsNotices({ store: smsStore, outbox, config: () => store.production.config, logger });
  await smsNotices.catchUp();
  const smsInbox = new SmsInbox({ store: smsStore, notices: smsNotices, config: () => store.production.config });
  if (!env.SMS_WEBHOOK_SECRET) logger.info('no SMS_WEBHOOK_SECRET: POST /api/sms/inbound answers 503');

  const speech = await EspeakSynthesizer.load();
  const prompts = new PromptLibrary(speech);
  prompts.use(store.production.config.settings.language);
  store.onProductionChanged((production) => prompts.use(production.config.settings.language));
  const player = new Player();
  // Audio messages (pre-answer messages, greetings) as clips, read when a configuration is applied.
  const audioStore = new AudioStore(dataDir);
  const audioMessageClips = new AudioMessageClips(audioStore, logger);
  await audioMessageClips.use(store.production.config);
  store.onProductionChanged((production) => void audioMessageClips.use(production.config));
  // Text messages: eSpeak on a thread of its own, started when an admin opens the dialog.
  const speechThread = new SpeechThread();
  const textMessages = new TextMessages({ voices: voiceCatalogue(speech), speech: speechThread, audio: audioStore });
  const ringback = new LoopTrack(encodeOpusClip(ringbackTone(OPUS_SAMPLE_RATE)));
  // Music on hold and waiting music: the uploaded music (or the built-in one) read once per apply,
  // the incoming numbers' loops with a repeated message rendered once per apply, off this thread.
  const holdMusic = new HoldMusic(encodeOpusClip(defaultHoldMusic(OPUS_SAMPLE_RATE), { loudness: MUSIC_LOUDNESS }), audioStore, logger);
  const waitingMusic = new WaitingMusic(holdMusic, audioStore, renderWaitingLoopOffThread, logger);
  const useMusicOf = (config: PbxConfig) => holdMusic.use(config.musicOnHold).then(() => waitingMusic.use(config));
  await useMusicOf(store.production.config);
  const sweepAudio = () =>
    sweepUnreferencedAudio(store, audioStore).then(
      (removed) => removed > 0 && logger.info({ removed }, 'audio files no version refers to removed'),
      (error: unknown) => logger.warn({ err: error }, 'could not sweep the audio files'),
    );
  await sweepAudio();
  store.onProductionChanged((production) => {
    void useMusicOf(production.config);
    void sweepAudio();
  });
  const uploadDirectory = join(dataDir, 'uploads');
  await rm(uploadDirectory, { recursive: true, force: true }); // what a stop left half-judged
  const announcedAddresses = env.MEDIA_ADDRESSES.length > 0 ? env.MEDIA_ADDRESSES : defaultAnnouncedAddresses();
  // Peer connections and relays on their own thread: signaling never waits on media.
  const mediaWorker = new MediaWorker({
    leg: { announcedAddresses, portRange: env.MEDIA_PORT_MIN !== undefined ? [env.MEDIA_PORT_MIN, env.MEDIA_PORT_MAX!] : undefined },
  }).start();
  const media = new WebrtcMediaPlane({
    legs: mediaWorker,
    player,
    prompts,
    ringback,
    musicOnHold: () => holdMusic.track,
    waitingMusic: (incomingNumberId) => waitingMusic.track(incomingNumberId),
    beep: encodeOpusClip(beepTone(OPUS_SAMPLE_RATE)),
    audioMessageClip: (audioMessageId) => audioMessageClips.clip(audioMessageId),
    // A recording's packets are played as they were received: no decoding, no re-encoding.
    recordingClip: async (path) => {
      const recording = await readOggOpusFile(path);
      return { frames: recording.packets, durationMs: recording.durationMs };
    },
    mp3Streams,
    // Conference rooms are mixed on the media worker, beside their legs.
    conferences: mediaWorker,
  });
  const phones = new PhoneRegistry();
  const callTraces = new CallTraces();
  // A settable clock only for tests (TEST_CLOCK=1): opening hours are tested without waiting.
  const testClock = env.TEST_CLOCK === '1' ? new SettableClock() : undefined;
  if (testClock) logger.warn('TEST_CLOCK=1: the clock can be set through /api/test/clock (never in production)');
  const clock = testClock ?? systemClock;
  const engine = new CallEngine({
    trace: callTraces,
    clock,
    media,
    phones,
    config: () => store.production.config,
    history: callHistory,
    voicemail,
    logger,
    publicLimits: { total: env.PUBLIC_CALLS_MAX, perAddress: env.PUBLIC_CALLS_PER_ADDRESS },
  });

  // --- recording audio messages: the PBX calls an extension, or the browser uploads ---
  const messageRecordings = await AudioMessageRecordingStore.open(dataDir, audioStore, store);
  const messageRecordingCalls = new MessageRecordingCalls({
    engine,
    production: () => store.production.config,
    draft: () => store.draft.config,
    recordings: messageRecordings,
    logger,
  });

  const app = createApp({
    store,
    callHistory,
    admins,
    sessions,
    accountGuard: new LoginGuard({ maxFailures: 5, lockMs: FIFTEEN_MINUTES }),
    addressGuard: new LoginGuard({ maxFailures: 50, lockMs: FIFTEEN_MINUTES }),
    logger,
    clientDir: fileURLToPath(new URL('../dist', import.meta.url)),
    sessionHours: env.SESSION_HOURS,
    secureCookies: false,
    callTraces,
    clock,
    testClock,
    status: () => ({
      activeCalls: engine.activeCalls,
      openLegs: media.openLegs,
      playerListeners: player.listenerCount,
      mediaWorker: mediaWorker.status,
      conferences: mediaWorker.conferenceStatus,
      music: { holdMusicFileId: holdMusic.fileId, waitingLoopsRendered: waitingMusic.rendered, waitingLoopsPending: waitingMusic.pending },
    }),
    audioUploads: {
      audio: audioStore,
      limits: { maxBytes: env.AUDIO_UPLOAD_MAX_MB * 1_000_000, directory: uploadDirectory },
      maxSeconds: MAX_AUDIO_SECONDS,
      encode: encodeUploadedAudioOffThread,
    },
    textMessages: { textMessages, store, audio: audioStore, warmUp: () => speechThread.start() },
    voicemail: { voicemail, outbox }, // voicemail storage and e-mail notices
    sms: { inbox: smsInbox, secret: env.SMS_WEBHOOK_SECRET, store: smsStore, outbox }, // incoming SMS
    messageRecording: { calls: messageRecordingCalls, recordings: messageRecordings },
  });
  // The message-waiting indicator: every phone of a box's owner hears of a change at once.
  voicemail.onChanged((boxId) => {
    const box = store.production.config.voicemailBoxes.find((b) => b.id === boxId);
    if (box?.owner.type !== 'user') return;
    const summary = { newMessages: voicemail.counts(boxId).new };
    for (const endpoint of phones.endpointsOf(box.owner.userId)) endpoint.voicemailChanged(summary);
  });

  const server = createServer(app);
  const signaling = attachSignaling(server, { engine, phones, sessions, logger, heartbeatMs: HEARTBEAT_MS });
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ port, dataDir, productionVersion: store.production.version, mediaAddresses: announcedAddresses }, `Switchboard listening on http://localhost:${port}/`);
    printFirstStartCredentials(port, generatedPassword, firstUserPasswords);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    engine.endAll();
    player.close();
    void speechThread.close();
    voicemailNotices.stop(); // voicemail storage and e-mail notices: an e-mail being sent finishes first
    const outboxClosed = outbox.close();
    void signaling.close();
    server.close(() => void outboxClosed.finally(() => process.exit(0)));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Shown once, on the first start only: nobody could log in otherwise. */
function printFirstStartCredentials(port: number, adminPassword: string | null, userPasswords: Record<string, string>): void {
  const lines: string[] = [];
  if (adminPassword) lines.push(`Portal:    http://localhost:${port}/portal/  name: admin  password: ${adminPassword}`);
  for (const [extension, password] of Object.entries(userPasswords)) {
    lines.push(`Softphone: extension ${extension}  password: ${password}`);
  }
  if (lines.length === 0) return;
  const rule = '-'.repeat(72);
  process.stdout.write(`\n${rule}\nFirst start: these logins are shown only now.\n${lines.join('\n')}\n${rule}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Switchboard failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
