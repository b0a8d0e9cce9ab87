/**
 * lib/util/calendar: the zone reading both local-day calendars (historical reliability, transformer
 * statistics) are built on. Offsets and clock changes are the published IANA rules: EU summer time
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (Berlin
 * +01:00/+02:00), US from 02:00 local on the second Sunday of March to the first Sunday of November
 * (New York −05:00/−04:00), Nepal +05:45, Newfoundland −03:30, Liberia −00:44:30 until 1972.
 */
import assert from 'node:assert/strict';
import {
  checkTimeZone, DAY_MS, epochDay, epochDayKey, isoDate, isTimeZone, isUtcZone, utcOffsetMs, wallClock, wallTimeToEpoch, zoneReader,
} from '../../../lib/util/calendar';

const H = 3_600_000;
const M = 60_000;

describe('util/calendar: local wall-clock time in an IANA zone', () => {
  it('checks zone names with the caller\'s place and examples', () => {
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(checkTimeZone('Asia/Kathmandu', 'tz', ['UTC']), 'Asia/Kathmandu');
    assert.throws(() => checkTimeZone('Mars/Olympus', 'settings.timeZone', ['UTC', 'Europe/Berlin']),
      { message: 'settings.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")' });
  });

  it('reads UTC without a formatter', () => {
    for (const z of ['UTC', 'Etc/UTC', 'GMT']) {
      assert.equal(isUtcZone(z), true);
      assert.equal(zoneReader(z), null);
    }
    assert.equal(isUtcZone('Europe/London'), false, 'London keeps summer time');
    assert.deepEqual(wallClock(null, Date.UTC(2021, 2, 28, 23, 59, 59, 999)), { y: 2021, mo: 3, d: 28, h: 23, mi: 59, s: 59 });
    assert.equal(utcOffsetMs(null, Date.UTC(2021, 6, 1, 12, 0, 0, 500)), 0);
  });

  it('reads the local time across the EU spring change (Berlin, 2021-03-28 01:00 UTC)', () => {
    const berlin = zoneReader('Europe/Berlin');
    assert.deepEqual(wallClock(berlin, Date.UTC(2021, 2, 28, 0, 59, 59)), { y: 2021, mo: 3, d: 28, h: 1, mi: 59, s: 59 });
    assert.deepEqual(wallClock(berlin, Date.UTC(2021, 2, 28, 1)), { y: 2021, mo: 3, d: 28, h: 3, mi: 0, s: 0 });
    assert.equal(utcOffsetMs(berlin, Date.UTC(2021, 2, 28, 0, 59, 59)), 1 * H);
    assert.equal(utcOffsetMs(berlin, Date.UTC(2021, 2, 28, 1)), 2 * H);
    assert.equal(utcOffsetMs(berlin, Date.UTC(2021, 9, 31, 0, 59)), 2 * H);
    assert.equal(utcOffsetMs(berlin, Date.UTC(2021, 9, 31, 1)), 1 * H);
    // A sub-second instant: offsets are whole seconds.
    assert.equal(utcOffsetMs(berlin, Date.UTC(2021, 6, 1, 12, 0, 0, 750)), 2 * H);
  });

  it('gives offsets that are not whole hours', () => {
    assert.equal(utcOffsetMs(zoneReader('Asia/Kathmandu'), Date.UTC(2021, 0, 1)), 5 * H + 45 * M);
    assert.equal(utcOffsetMs(zoneReader('America/St_Johns'), Date.UTC(2021, 0, 15)), -(3 * H + 30 * M));
    const monrovia = zoneReader('Africa/Monrovia');
    assert.equal(utcOffsetMs(monrovia, Date.UTC(1960, 0, 1)), -(44 * M + 30_000));
    assert.equal(utcOffsetMs(monrovia, Date.UTC(1973, 0, 1)), 0);
  });

  it('turns local wall-clock times into instants', () => {
    const berlin = zoneReader('Europe/Berlin');
    const ny = zoneReader('America/New_York');
    assert.equal(wallTimeToEpoch(berlin, 2021, 7, 1, 14, 30), Date.UTC(2021, 6, 1, 12, 30));
    assert.equal(wallTimeToEpoch(berlin, 2021, 1, 1), Date.UTC(2020, 11, 31, 23));
    assert.equal(wallTimeToEpoch(ny, 2021, 7, 1, 8, 0, 0, 250), Date.UTC(2021, 6, 1, 12, 0, 0, 250));
    assert.equal(wallTimeToEpoch(null, 2021, 2, 29), Date.UTC(2021, 2, 1), 'Feb 29 of a common year rolls over');
    // Times a change skips or repeats: the transformer calendar relies on exactly these instants.
    assert.equal(wallTimeToEpoch(berlin, 2021, 3, 28, 2, 30), Date.UTC(2021, 2, 28, 1, 30), 'skipped 02:30 -> 03:30 CEST');
    assert.equal(wallTimeToEpoch(berlin, 2021, 10, 31, 2, 30), Date.UTC(2021, 9, 31, 1, 30), 'repeated 02:30 -> the CET one');
    assert.equal(wallTimeToEpoch(ny, 2021, 3, 14, 2, 30), Date.UTC(2021, 2, 14, 6, 30), 'skipped 02:30 -> 01:30 EST');
    assert.equal(wallTimeToEpoch(ny, 2021, 11, 7, 1, 30), Date.UTC(2021, 10, 7, 5, 30), 'repeated 01:30 -> the EDT one');
  });

  it('names and numbers calendar dates', () => {
    assert.equal(isoDate(2021, 3, 7), '2021-03-07');
    assert.equal(isoDate(33, 1, 1), '0033-01-01');
    assert.equal(epochDay(1970, 1, 1), 0);
    // 2000-01-01T00:00Z = 946684800 s; 2021-01-01T00:00Z = 1609459200 s.
    assert.equal(epochDay(2000, 1, 1), 946_684_800_000 / DAY_MS);
    assert.equal(epochDay(2021, 1, 1), 1_609_459_200_000 / DAY_MS);
    assert.equal(epochDay(1969, 12, 31), -1);
    assert.equal(epochDay(2021, 2, 29), epochDay(2021, 3, 1));
    assert.equal(epochDay(2020, 13, 1), epochDay(2021, 1, 1));
    assert.equal(epochDayKey(epochDay(2024, 2, 29)), '2024-02-29');
    assert.equal(epochDayKey(-1), '1969-12-31');
  });
});
