import { describe, expect, it } from 'vitest';
import { policySchema } from '../../src/config/schema.js';
import { assessTiming } from '../../src/assess/timing.js';
import { expandDays, freezeInterval, windowOccurrences } from '../../src/assess/windows.js';

const LA = 'America/Los_Angeles';
const iso = (ms: number) => new Date(ms).toISOString();
const occurrences = (
  window: Parameters<typeof windowOccurrences>[0],
  from: string,
  until: string,
  zone = LA,
) =>
  windowOccurrences(window, zone, Date.parse(from), Date.parse(until), 'test').map((i) => [
    iso(i.start),
    iso(i.end),
  ]);

describe('expandDays', () => {
  it.each([
    ['mon-fri', [1, 2, 3, 4, 5]],
    ['fri-mon', [5, 6, 7, 1]],
    [
      ['sat', 'sun'],
      [6, 7],
    ],
    [
      ['mon', 'wed-thu'],
      [1, 3, 4],
    ],
  ] as const)('%j', (spec, days) => {
    expect([...expandDays(spec)].sort()).toEqual([...days].sort());
  });
});

describe('wall-clock windows across DST (America/Los_Angeles)', () => {
  const peak = { days: 'mon-fri', from: '09:00', to: '17:00' };

  it('09:00-17:00 stays 09:00-17:00 local across the March change (UTC offset -8 then -7)', () => {
    expect(occurrences(peak, '2026-03-06T02:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      ['2026-03-06T17:00:00.000Z', '2026-03-07T01:00:00.000Z'], // Fri, PST
      ['2026-03-09T16:00:00.000Z', '2026-03-10T00:00:00.000Z'], // Mon, PDT
    ]);
  });

  it('09:00-17:00 stays 09:00-17:00 local across the November change (-7 then -8)', () => {
    expect(occurrences(peak, '2026-10-30T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      ['2026-10-30T16:00:00.000Z', '2026-10-31T00:00:00.000Z'], // Fri, PDT
      ['2026-11-02T17:00:00.000Z', '2026-11-03T01:00:00.000Z'], // Mon, PST
    ]);
  });

  it('a window over the spring-forward gap is an hour shorter; the missing 02:00 moves to 03:00', () => {
    expect(
      occurrences(
        { days: 'sun', from: '01:00', to: '04:00' },
        '2026-03-08T00:00:00Z',
        '2026-03-09T00:00:00Z',
      ),
    ).toEqual([['2026-03-08T09:00:00.000Z', '2026-03-08T11:00:00.000Z']]);
    expect(
      occurrences(
        { days: 'sun', from: '02:30', to: '05:00' },
        '2026-03-08T00:00:00Z',
        '2026-03-09T00:00:00Z',
      ),
    ).toEqual([['2026-03-08T10:30:00.000Z', '2026-03-08T12:00:00.000Z']]);
  });

  it('a window over the fall-back overlap is an hour longer; the repeated 01:00 is its first occurrence', () => {
    expect(
      occurrences(
        { days: 'sun', from: '01:00', to: '04:00' },
        '2026-11-01T00:00:00Z',
        '2026-11-02T00:00:00Z',
      ),
    ).toEqual([['2026-11-01T08:00:00.000Z', '2026-11-01T12:00:00.000Z']]);
  });

  it('overnight windows (22:00-02:00) run into the next day and belong to the day they start', () => {
    const friNight = { days: ['fri'], from: '22:00', to: '02:00' };
    expect(occurrences(friNight, '2026-11-20T00:00:00Z', '2026-11-23T00:00:00Z', 'UTC')).toEqual([
      ['2026-11-20T22:00:00.000Z', '2026-11-21T02:00:00.000Z'],
    ]);
    // One that started on Thursday is still running at Friday 01:00.
    expect(
      occurrences(
        { days: ['thu'], from: '22:00', to: '02:00' },
        '2026-11-20T01:00:00Z',
        '2026-11-20T01:30:00Z',
        'UTC',
      ),
    ).toEqual([['2026-11-19T22:00:00.000Z', '2026-11-20T02:00:00.000Z']]);
  });

  it('an overnight window across the spring-forward night still ends at 02:00 local (03:00 PDT)', () => {
    expect(
      occurrences(
        { days: 'sat', from: '22:00', to: '02:00' },
        '2026-03-07T00:00:00Z',
        '2026-03-09T00:00:00Z',
      ),
    ).toEqual([['2026-03-08T06:00:00.000Z', '2026-03-08T10:00:00.000Z']]);
  });

  it('"24:00" is midnight at the end of the day', () => {
    expect(
      occurrences(
        { days: ['fri'], from: '12:00', to: '24:00' },
        '2026-11-20T00:00:00Z',
        '2026-11-22T00:00:00Z',
        'UTC',
      ),
    ).toEqual([['2026-11-20T12:00:00.000Z', '2026-11-21T00:00:00.000Z']]);
  });

  it('a per-window zone overrides the policy zone', () => {
    expect(
      occurrences(
        { days: 'mon', from: '08:00', to: '18:00', tz: 'Europe/Berlin' },
        '2026-11-23T00:00:00Z',
        '2026-11-24T00:00:00Z',
      ),
    ).toEqual([['2026-11-23T07:00:00.000Z', '2026-11-23T17:00:00.000Z']]);
  });
});

describe('freezes', () => {
  it('a date-only "to" includes that whole day in the zone', () => {
    const interval = freezeInterval({ name: 'h', from: '2026-12-20', to: '2027-01-02', level: 'block' }, LA);
    expect(iso(interval.start)).toBe('2026-12-20T08:00:00.000Z');
    expect(iso(interval.end)).toBe('2027-01-03T08:00:00.000Z');
  });
  it('date-times with and without offsets', () => {
    const interval = freezeInterval(
      { name: 'h', from: '2026-12-20T17:00', to: '2026-12-21T09:00:00Z', level: 'wait' },
      LA,
    );
    expect(iso(interval.start)).toBe('2026-12-21T01:00:00.000Z');
    expect(iso(interval.end)).toBe('2026-12-21T09:00:00.000Z');
  });
});

describe('assessTiming', () => {
  const policy = policySchema.parse({
    timezone: 'UTC',
    windows: {
      peak: [{ days: 'mon-fri', from: '09:00', to: '17:00' }],
      preferred: [{ days: 'mon-thu', from: '20:00', to: '22:00' }],
      staffed: [{ days: 'mon-fri', from: '08:00', to: '18:00' }],
      freezes: [
        {
          name: 'short',
          from: '2026-11-26T20:00Z',
          to: '2026-11-26T21:00Z',
          level: 'wait',
          reason: 'DB maintenance',
        },
      ],
    },
  });
  const at = (text: string, risky: boolean, needsPreferred: boolean, deployMinutes = 20) =>
    assessTiming({ policy, now: Date.parse(text), deployMinutes, risky, needsPreferred });

  it('a small change ships at peak; a risky one waits until peak ends and staffed hours allow', () => {
    expect(at('2026-11-23T10:00:00Z', false, false).gates).toEqual([]);
    const risky = at('2026-11-23T10:00:00Z', true, false);
    expect(risky.gates.map((g) => g.id)).toEqual(['peak']);
    // After peak (17:00) until staffed hours end (18:00).
    expect(risky.timing.nextWindow).toMatchObject({
      start: '2026-11-23T17:00:00Z',
      end: '2026-11-23T18:00:00Z',
      startsInMinutes: 420,
    });
  });

  it('outside staffed hours a risky change waits', () => {
    expect(at('2026-11-23T19:00:00Z', true, false).gates.map((g) => g.id)).toEqual(['staffed']);
  });

  it('a deploy that would not finish before the window closes waits (overrun)', () => {
    const result = at('2026-11-23T21:50:00Z', false, true, 20);
    expect(result.gates.map((g) => g.id)).toEqual(['overrun']);
    expect(result.gates[0]?.reason).toContain('20 min');
    expect(result.timing.nextWindow?.start).toBe('2026-11-24T20:00:00Z');
  });

  it('a high score waits for the preferred window, skipping a freeze inside it', () => {
    const result = at('2026-11-26T12:00:00Z', false, true);
    expect(result.gates.map((g) => g.id)).toEqual(['preferred']);
    expect(result.timing.nextWindow).toMatchObject({
      start: '2026-11-26T21:00:00Z',
      end: '2026-11-26T22:00:00Z',
    });
  });

  it('a block freeze wins over an overlapping wait freeze', () => {
    const both = policySchema.parse({
      windows: {
        freezes: [
          { name: 'soft', from: '2026-12-01', to: '2026-12-31', level: 'wait' },
          { name: 'hard', from: '2026-12-20', to: '2026-12-26', level: 'block', reason: 'Holiday' },
        ],
      },
    });
    const result = assessTiming({
      policy: both,
      now: Date.parse('2026-12-22T12:00:00Z'),
      deployMinutes: 15,
      risky: false,
      needsPreferred: false,
    });
    expect(result.gates).toMatchObject([{ id: 'freeze', level: 'block' }]);
    expect(result.timing.nextWindow?.start).toBe('2027-01-01T00:00:00Z');
  });

  it('with no preferred windows configured a high score has no next window', () => {
    const bare = policySchema.parse({});
    const result = assessTiming({
      policy: bare,
      now: Date.parse('2026-11-23T10:00:00Z'),
      deployMinutes: 15,
      risky: true,
      needsPreferred: true,
    });
    expect(result.gates.map((g) => g.id)).toEqual(['preferred']);
    expect(result.timing.nextWindow).toBeNull();
  });
});
