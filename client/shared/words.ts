// How the phones say things: why a call ended, who is on the line, how long it lasted.
import type { EndReason, Party } from '../../server/signaling/protocol.ts';

/** Why the call ended, as the person on this phone should read it. */
export function endReasonInWords(reason: EndReason | undefined): string {
  switch (reason) {
    case 'hangup':
      return 'Call ended';
    case 'remote-hangup':
      return 'The other side hung up';
    case 'rejected':
      return 'Call rejected';
    case 'busy':
      return 'The line is busy';
    case 'no-answer':
      return 'Not available (no answer)';
    case 'not-in-service':
      return 'This number is not in service';
    case 'unavailable':
      return 'Not available';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'cancelled':
      return 'The caller hung up';
    case 'connection-lost':
      return 'Connection lost';
    case 'error':
      return 'The call failed';
    default:
      return 'Call ended';
  }
}

/** Reasons that mean something went wrong (shown in red) rather than an ordinary end. */
export function isTroubleReason(reason: EndReason | undefined): boolean {
  return reason === 'busy' || reason === 'not-in-service' || reason === 'unavailable' || reason === 'connection-lost' || reason === 'error' || reason === 'no-answer';
}

/** "Extension 101", "+33 1 00 00 01 01" stays as dialled, "Web caller" for the public page. */
export function numberInWords(number: string): string {
  if (number === 'web') return 'from the web';
  if (/^\d{2,6}$/.test(number)) return `Extension ${number}`;
  return number;
}

export function partyName(party: Party | null | undefined, fallback: string): string {
  return party?.name || fallback;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return '#';
  return (words[0]![0]! + (words.length > 1 ? words[words.length - 1]![0]! : '')).toUpperCase();
}

/** 0:07, 12:34, 1:02:03. */
export function clockInWords(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "1 min 5 s", "42 s". */
export function durationInWords(totalSeconds: number): string {
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** "14:05" today, "Yesterday 14:05", "3 Nov 14:05" otherwise. */
export function whenInWords(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const day = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
  if (day(date) === day(now)) return time;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (day(date) === day(yesterday)) return `Yesterday ${time}`;
  return `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
