import { DateTime } from 'luxon';
import { DAY_NAMES, type DayName } from '../config/defaults.js';
import type { FreezeSpec, WindowSpec } from '../config/time-schema.js';

/** A half-open interval of instants in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
  /** What produced it, for explanations ("peak mon-fri 09:00-17:00 America/Los_Angeles"). */
  label: string;
  reason?: string | undefined;
}

/** Expands `[mon, "wed-fri"]` or `"mon-thu"` into a set of ISO weekday numbers (1 = Monday). */
export function expandDays(days: string | readonly string[]): Set<number> {
  const result = new Set<number>();
  for (const spec of typeof days === 'string' ? [days] : days) {
    const [from, to] = spec.split('-') as [DayName, DayName | undefined];
    const start = DAY_NAMES.indexOf(from);
    const end = to === undefined ? start : DAY_NAMES.indexOf(to);
    for (let i = start; ; i = (i + 1) % 7) {
      result.add(i + 1);
      if (i === end) break;
    }
  }
  return result;
}

function minutesOf(clock: string): number {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
}

function daysLabel(days: string | readonly string[]): string {
  return typeof days === 'string' ? days : days.join(',');
}

/** Wall-clock time on a calendar day in a zone; luxon moves times in a spring-forward gap later. */
function at(day: DateTime, minutes: number): number {
  return day
    .startOf('day')
    .plus({ days: Math.floor(minutes / 1440) })
    .set({
      hour: Math.floor((minutes % 1440) / 60),
      minute: minutes % 60,
    })
    .toMillis();
}

/**
 * Every occurrence of a weekly wall-clock window that overlaps [from, until). Each day is computed in
 * the window's zone, so 09:00 stays 09:00 local on both sides of a DST change; `to <= from` means the
 * window runs overnight into the next day.
 */
export function windowOccurrences(
  window: WindowSpec,
  defaultZone: string,
  from: number,
  until: number,
  kind: string,
): Interval[] {
  const zone = window.tz ?? defaultZone;
  const days = expandDays(window.days);
  const start = minutesOf(window.from);
  let end = minutesOf(window.to);
  if (end <= start) end += 1440;
  const label = `${kind} ${daysLabel(window.days)} ${window.from}-${window.to} ${zone}`;
  const result: Interval[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(until, { zone }).startOf('day');
  while (day <= last) {
    if (days.has(day.weekday)) {
      const interval = { start: at(day, start), end: at(day, end), label, reason: window.reason };
      if (interval.end > from && interval.start < until && interval.end > interval.start)
        result.push(interval);
    }
    day = day.plus({ days: 1 });
  }
  return result;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A freeze as an interval: a date-only `to` includes that whole day. */
export function freezeInterval(freeze: FreezeSpec, defaultZone: string): Interval {
  const zone = freeze.tz ?? defaultZone;
  const parse = (text: string) => DateTime.fromISO(text.replace(' ', 'T'), { zone, setZone: false });
  const start = parse(freeze.from).toMillis();
  const endBase = parse(freeze.to);
  const end = DATE_ONLY.test(freeze.to)
    ? endBase.plus({ days: 1 }).startOf('day').toMillis()
    : endBase.toMillis();
  return {
    start,
    end,
    label: `freeze "${freeze.name}" ${freeze.from} to ${freeze.to} ${zone}`,
    reason: freeze.reason ?? `Deploy freeze "${freeze.name}"`,
  };
}

export function contains(intervals: readonly Interval[], instant: number): Interval | undefined {
  return intervals.find((interval) => interval.start <= instant && instant < interval.end);
}
