// The embedded configuration a fresh PBX starts with, so `npm start` gives a working phone system.
import { DEFAULT_VOICEMAIL_LIMITS, defaultTimeZone, type Forwardings, type PbxConfig } from './schema.ts';
import { syncUserVoicemailBox } from './draft-edits.ts';

/**
 * What a new user gets: unanswered calls go to the user's voicemail after 20 s (when the user's
 * Voicemail is Yes; otherwise the caller hears "not available"); a busy user gives a busy signal.
 */
export function defaultForwardings(): Forwardings {
  return {
    noAnswer: { enabled: true, afterSeconds: 20, targets: [], voicemailLastResort: true },
    busy: { enabled: false, targets: [], voicemailLastResort: true },
  };
}

export { DEFAULT_VOICEMAIL_LIMITS };

/** Users 101 and 102 with voicemail on, one incoming number routed to 101. */
export function createDefaultConfig(passwordHashes: { '101': string; '102': string }): PbxConfig {
  let config: PbxConfig = {
    settings: { language: 'en', defaultSmsEmail: '', timeZone: defaultTimeZone() },
    users: [],
    voicemailBoxes: [],
    incomingNumbers: [
      {
        id: 'n-main',
        number: '+33100000101',
        label: 'Main line',
        destination: { type: 'user', userId: 'u101' },
        preAnswerMessageId: null,
        whileRinging: { type: 'ringback' },
        smsCompatible: false,
        smsEmail: '',
      },
    ],
    audioMessages: [],
    ivrMenus: [],
    openingHours: [],
    musicOnHold: { type: 'default' },
    conferenceRooms: [],
  };
  const seeds = [
    { id: 'u101', name: 'Alice Martin', email: 'alice@example.com', extension: '101' as const },
    { id: 'u102', name: 'Bob Durand', email: 'bob@example.com', extension: '102' as const },
  ];
  for (const seed of seeds) {
    const user = { ...seed, passwordHash: passwordHashes[seed.extension], voicemail: true, forwardings: defaultForwardings() };
    config = syncUserVoicemailBox({ ...config, users: [...config.users, user] }, user.id, () => `vm-${seed.id}`);
  }
  return config;
}
