// How the portal names things in its tables: destinations, owners and greetings in words, the way an
// admin reads them ("User Alice Martin (101)", "Voicemail box Sales"), never as ids.
import type { AudioMessage, Destination, Greeting, VoicemailBox } from '../../data/schema.ts';
import type { OpeningState } from '../../data/opening-hours.ts';
import type { PortalConfig, PortalUser } from './api.ts';

export function userLabel(user: Pick<PortalUser, 'name' | 'extension'>): string {
  return `${user.name} (${user.extension})`;
}

function userById(config: PortalConfig, id: string): string {
  const user = config.users.find((u) => u.id === id);
  return user ? userLabel(user) : 'a deleted user';
}

function boxById(config: PortalConfig, id: string): string {
  return config.voicemailBoxes.find((b) => b.id === id)?.name ?? 'a deleted box';
}

export function destinationInWords(config: PortalConfig, destination: Destination): string {
  switch (destination.type) {
    case 'user':
      return `User ${userById(config, destination.userId)}`;
    case 'voicemail':
      return `Voicemail ${boxById(config, destination.boxId)}`;
    case 'ivr':
      return `IVR menu ${config.ivrMenus.find((m) => m.id === destination.menuId)?.name ?? 'a deleted menu'}`;
    case 'conference':
      return `Conference room ${config.conferenceRooms.find((r) => r.id === destination.roomId)?.name ?? 'a deleted room'}`;
    case 'opening-hours':
      return `Opening hours ${config.openingHours.find((h) => h.id === destination.openingHoursId)?.name ?? 'deleted'}`;
    case 'hangup': {
      const message = destination.audioMessageId && config.audioMessages.find((m) => m.id === destination.audioMessageId);
      return destination.audioMessageId ? `Hang up after ${message ? message.name : 'a deleted message'}` : 'Hang up';
    }
  }
}

export function ownerInWords(config: PortalConfig, box: VoicemailBox): string {
  return box.owner.type === 'user' ? `User ${userById(config, box.owner.userId)}` : 'Added by hand';
}

export function greetingInWords(config: PortalConfig, greeting: Greeting): string {
  if (greeting.type === 'default') return 'Default greeting';
  return config.audioMessages.find((m) => m.id === greeting.audioMessageId)?.name ?? 'A deleted message';
}

const SOURCES: Record<AudioMessage['source'], string> = {
  none: 'No audio yet',
  recording: 'Recorded',
  text: 'Text to speech',
  upload: 'Uploaded file',
};

export function audioSourceInWords(message: AudioMessage): string {
  return SOURCES[message.source];
}

export function durationInWords(milliseconds: number | null): string {
  if (milliseconds === null) return '—';
  const seconds = Math.round(milliseconds / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function dateInWords(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function timeInWords(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function pendingChangesInWords(count: number): string {
  if (count === 0) return 'No pending changes';
  return count === 1 ? '1 pending change' : `${count} pending changes`;
}

/** "2 new · 5 heard", "No messages". */
export function messageCountsInWords(counts: { new: number; heard: number } | undefined): string {
  if (!counts || counts.new + counts.heard === 0) return 'No messages';
  return `${counts.new} new · ${counts.heard} heard`;
}

/** Who left a message: the name, else the number, else "Unknown caller"; the web page in words. */
export function callerInWords(message: { callerName: string; callerNumber: string }): string {
  if (message.callerName) return message.callerName;
  if (message.callerNumber === 'web') return 'Web caller';
  return message.callerNumber || 'Unknown caller';
}

/** What became of an e-mail notice, as the Outbox page says it. */
export function noticeStatusInWords(notice: { status: 'pending' | 'sent' | 'failed'; attempts: number }, smtpConfigured: boolean, notConfigured: string): string {
  if (notice.status === 'sent') return 'Sent';
  if (notice.status === 'failed') return 'Failed';
  if (!smtpConfigured) return notConfigured.charAt(0).toUpperCase() + notConfigured.slice(1);
  return notice.attempts === 0 ? 'Waiting' : 'Retrying';
}

/** "1.2 MB", "540 kB", "800 bytes". */
export function sizeInWords(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} kB`;
  return `${bytes} bytes`;
}

/** "Open (09:00–12:30)", "Closed (holiday: Christmas)", "Closed". */
export function openingStateInWords(state: OpeningState): string {
  if (state.open) return `Open (${state.range.from}–${state.range.to})`;
  return state.because === 'holiday' ? `Closed (holiday: ${state.holiday})` : 'Closed';
}
