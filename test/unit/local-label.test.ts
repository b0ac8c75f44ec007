import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localLabel } from '../../src/assess/timing.js';

describe('localLabel', () => {
  // Spelled out without locale data; it must read exactly as Luxon's en-GB format did.
  const instants = [
    '2026-11-23T20:00:00Z',
    '2026-03-29T00:59:00Z',
    '2026-12-31T23:05:00Z',
    '2027-01-04T09:07:00Z',
  ];
  const zones = ['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Kiritimati'];
  it.each(zones)('matches the en-GB "ccc d LLL HH:mm" format in %s', (zone) => {
    for (const iso of instants) {
      const ms = Date.parse(iso);
      const expected = DateTime.fromMillis(ms, { zone }).setLocale('en-GB').toFormat('ccc d LLL HH:mm');
      expect(localLabel(ms, zone)).toBe(expected);
    }
  });

  it('names the day and month in English', () => {
    expect(localLabel(Date.parse('2026-11-23T20:00:00Z'), 'UTC')).toBe('Mon 23 Nov 20:00');
  });
});
