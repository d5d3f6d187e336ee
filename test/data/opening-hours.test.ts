// Which branch opening hours take, read in the PBX's time zone: ranges, the week's boundary,
// holidays, and the hours around daylight-saving changes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openingStateAt, wallClock } from '../../data/opening-hours.ts';
import { defaultTimeZone, isTimeZone, type OpeningHours } from '../../data/schema.ts';

const hours: Pick<OpeningHours, 'ranges' | 'holidays'> = {
  ranges: [
    { day: 'mon', from: '00:00', to: '06:00' },
    { day: 'mon', from: '09:00', to: '12:30' },
    { day: 'sun', from: '22:00', to: '24:00' },
    { day: 'sun', from: '03:00', to: '04:00' },
  ],
  holidays: [{ date: '2026-12-25', name: 'Christmas' }],
};
const openIn = (zone: string, iso: string) => openingStateAt(hours, zone, new Date(iso)).open;

test('wall clock in a zone: date, weekday and time', () => {
  assert.equal(wallClock(new Date('2026-11-23T08:30:00Z'), 'Europe/Paris'), { date: '2026-11-23', day: 'mon', time: '09:30' });
  assert.equal(wallClock(new Date('2026-11-23T08:30:00Z'), 'America/New_York'), { date: '2026-11-23', day: 'mon', time: '03:30' });
  assert.equal(wallClock(new Date('2026-11-22T23:30:00Z'), 'Asia/Tokyo'), { date: '2026-11-23', day: 'mon', time: '08:30' });
  assert.equal(wallClock(new Date('2026-11-22T23:00:00Z'), 'Europe/Paris'), { date: '2026-11-23', day: 'mon', time: '00:00' });
});

test('ranges: from included, to excluded', () => {
  assert.ok(openIn('Europe/Paris', '2026-11-23T09:00:00+01:00'));
  assert.ok(openIn('Europe/Paris', '2026-11-23T12:29:59+01:00'));
  assert.not.ok(openIn('Europe/Paris', '2026-11-23T12:30:00+01:00'));
  assert.not.ok(openIn('Europe/Paris', '2026-11-23T08:59:59+01:00'));
  assert.not.ok(openIn('Europe/Paris', '2026-11-24T10:00:00+01:00'), 'Tuesday has no range');
  assert.equal(openingStateAt(hours, 'Europe/Paris', new Date('2026-11-23T10:00:00+01:00')), { open: true, because: 'range', range: { from: '09:00', to: '12:30' } });
});

test('across the week boundary: Sunday until 24:00, then Monday from 00:00', () => {
  assert.not.ok(openIn('Europe/Paris', '2026-11-22T21:59:00+01:00'));
  assert.ok(openIn('Europe/Paris', '2026-11-22T22:00:00+01:00'), 'Sunday 22:00');
  assert.ok(openIn('Europe/Paris', '2026-11-22T23:59:59+01:00'), 'Sunday 23:59');
  assert.ok(openIn('Europe/Paris', '2026-11-23T00:00:00+01:00'), 'Monday 00:00');
  assert.ok(openIn('Europe/Paris', '2026-11-23T05:59:00+01:00'));
  assert.not.ok(openIn('Europe/Paris', '2026-11-23T06:00:00+01:00'));
  // The same instant is Sunday night in Paris but already Monday morning in Tokyo.
  assert.ok(openIn('Europe/Paris', '2026-11-22T22:30:00+01:00'));
  assert.not.ok(openIn('Asia/Tokyo', '2026-11-22T22:30:00+01:00'), 'Monday 06:30 in Tokyo');
});

test('a holiday closes the whole day, ranges or not', () => {
  // 2026-12-25 is a Friday; make it a Monday-like day by checking a holiday that has ranges.
  const christmasMonday = { ...hours, holidays: [{ date: '2026-11-23', name: 'Closed' }] };
  assert.equal(openingStateAt(christmasMonday, 'Europe/Paris', new Date('2026-11-23T10:00:00+01:00')), { open: false, because: 'holiday', holiday: 'Closed' });
  // The holiday is the date in the PBX's zone: 23:30 UTC on the 22nd is already the 23rd in Paris.
  assert.equal(openingStateAt(christmasMonday, 'Europe/Paris', new Date('2026-11-22T23:30:00Z')).because, 'holiday');
  assert.equal(openingStateAt(christmasMonday, 'UTC', new Date('2026-11-22T23:30:00Z')).because, 'range', 'still Sunday 23:30 in UTC');
  assert.equal(openingStateAt(hours, 'Europe/Paris', new Date('2026-12-25T10:00:00+01:00')).because, 'holiday');
  assert.equal(openingStateAt(hours, 'Europe/Paris', new Date('2026-11-24T10:00:00+01:00')), { open: false, because: 'outside' });
});

test('daylight saving: Paris skips 02:00-03:00 on 29 March 2026 and repeats 02:00-03:00 on 25 October', () => {
  // Spring: 00:59 UTC is 01:59 CET, one minute later 01:00 UTC is 03:00 CEST (a Sunday).
  assert.equal(wallClock(new Date('2026-03-29T00:59:00Z'), 'Europe/Paris').time, '01:59');
  assert.equal(wallClock(new Date('2026-03-29T01:00:00Z'), 'Europe/Paris').time, '03:00');
  assert.not.ok(openIn('Europe/Paris', '2026-03-29T00:59:00Z'));
  assert.ok(openIn('Europe/Paris', '2026-03-29T01:00:00Z'), 'the 03:00-04:00 range opens right after the jump');
  assert.ok(openIn('Europe/Paris', '2026-03-29T01:59:00Z'));
  assert.not.ok(openIn('Europe/Paris', '2026-03-29T02:00:00Z'), '04:00 CEST');
  // Autumn: 03:00-04:00 local happens once, but it is 02:00-03:00 UTC (CET, +1).
  assert.not.ok(openIn('Europe/Paris', '2026-10-25T01:30:00Z'), '02:30 CET, the second 02:30 of the night');
  assert.ok(openIn('Europe/Paris', '2026-10-25T02:30:00Z'), '03:30 CET');
  // Monday 09:00 is 08:00 UTC in winter and 07:00 UTC in summer.
  assert.ok(openIn('Europe/Paris', '2026-03-30T07:00:00Z'));
  assert.not.ok(openIn('Europe/Paris', '2026-03-23T07:00:00Z'));
  assert.ok(openIn('Europe/Paris', '2026-03-23T08:00:00Z'));
});

test('time zones are checked with Intl; the default is a real zone', () => {
  assert.ok(isTimeZone('Europe/Paris'));
  assert.ok(isTimeZone('America/Argentina/Buenos_Aires'));
  assert.ok(isTimeZone('UTC'));
  assert.not.ok(isTimeZone('Mars/Olympus_Mons'));
  assert.not.ok(isTimeZone('Europe/Paris; rm -rf'));
  assert.not.ok(isTimeZone(''));
  assert.ok(isTimeZone(defaultTimeZone()));
});

test.run();
