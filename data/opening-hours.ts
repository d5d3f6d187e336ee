// Which branch of an opening-hours schedule applies at an instant, read in the PBX's time zone.
// Pure functions: the call engine asks with its clock, the portal with the same clock ("now: open").
// Intl does the time-zone arithmetic (daylight saving included), so no time-zone library is needed.
import type { Destination, OpeningHours, Weekday } from './schema.ts';

/** An instant as a wall clock in one zone shows it. */
export interface WallClock {
  /** "2026-12-25" */
  date: string;
  day: Weekday;
  /** "08:30" */
  time: string;
}

const WEEKDAY_BY_SHORT_NAME: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day: WEEKDAY_BY_SHORT_NAME[parts.weekday!]!,
    time: `${parts.hour}:${parts.minute}`,
  };
}

export type OpeningState =
  | { open: true; because: 'range'; range: { from: string; to: string } }
  | { open: false; because: 'holiday'; holiday: string }
  | { open: false; because: 'outside' };

/** Open within a weekly range of the day (from included, to excluded), unless the date is a holiday. */
export function openingStateAt(hours: Pick<OpeningHours, 'ranges' | 'holidays'>, timeZone: string, instant: Date): OpeningState {
  const clock = wallClock(instant, timeZone);
  const holiday = hours.holidays.find((h) => h.date === clock.date);
  if (holiday) return { open: false, because: 'holiday', holiday: holiday.name || holiday.date };
  // "HH:MM" strings compare in time order; "24:00" is after every time of the day.
  const range = hours.ranges.find((r) => r.day === clock.day && r.from <= clock.time && clock.time < r.to);
  return range ? { open: true, because: 'range', range: { from: range.from, to: range.to } } : { open: false, because: 'outside' };
}

export function branchAt(hours: OpeningHours, timeZone: string, instant: Date): Destination {
  return openingStateAt(hours, timeZone, instant).open ? hours.open : hours.closed;
}
