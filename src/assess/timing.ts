import { DateTime } from 'luxon';
import type { Policy } from '../config/schema.js';
import { contains, freezeInterval, windowOccurrences, type Interval } from './windows.js';
import type { Gate, Timing, WindowKind } from './plan-types.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const MIN_HORIZON = 28 * DAY;
const MAX_HORIZON = 400 * DAY;

export interface TimingInput {
  policy: Policy;
  now: number;
  deployMinutes: number;
  /** Score at or above riskyAt: waits out peak and unstaffed hours. */
  risky: boolean;
  /** Score at or above waitAt: ships only inside a preferred window. */
  needsPreferred: boolean;
}

export function isoIn(ms: number, zone: string): string {
  return (
    DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString()
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * "Mon 23 Nov 20:00" in the zone: what a person reads. Spelled out here, not with Luxon's toFormat: the
 * names are fixed English anyway, and locale formatting would load ICU (~50 ms of every plan in UTC).
 */
export function localLabel(ms: number, zone: string): string {
  const t = DateTime.fromMillis(ms, { zone });
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[t.weekday - 1] ?? ''} ${t.day} ${MONTHS[t.month - 1] ?? ''} ${two(t.hour)}:${two(t.minute)}`;
}

interface Calendar {
  freezes: Array<Interval & { level: 'wait' | 'block' }>;
  avoid: Interval[];
  peak: Interval[];
  staffed: Interval[];
  preferred: Interval[];
}

function buildCalendar(policy: Policy, from: number, until: number): Calendar {
  const zone = policy.timezone;
  const expand = (windows: Policy['windows']['peak'], kind: WindowKind) =>
    windows.flatMap((window) => windowOccurrences(window, zone, from, until, kind));
  return {
    freezes: policy.windows.freezes.map((freeze) => ({
      ...freezeInterval(freeze, zone),
      level: freeze.level,
    })),
    avoid: expand(policy.windows.avoid, 'avoid'),
    peak: expand(policy.windows.peak, 'peak'),
    staffed: expand(policy.windows.staffed, 'staffed'),
    preferred: expand(policy.windows.preferred, 'preferred'),
  };
}

/** Why a deploy may not start at `instant`, in order of severity; empty when timing allows it. */
function blockers(
  calendar: Calendar,
  input: TimingInput,
  instant: number,
): Array<{ kind: WindowKind; interval: Interval | null; level: 'wait' | 'block' }> {
  const found: Array<{ kind: WindowKind; interval: Interval | null; level: 'wait' | 'block' }> = [];
  // A block freeze wins over an overlapping wait freeze.
  const active = calendar.freezes.filter((f) => f.start <= instant && instant < f.end);
  const freeze = active.find((f) => f.level === 'block') ?? active[0];
  if (freeze !== undefined) found.push({ kind: 'freeze', interval: freeze, level: freeze.level });
  const avoid = contains(calendar.avoid, instant);
  if (avoid !== undefined) found.push({ kind: 'avoid', interval: avoid, level: 'wait' });
  if (input.risky) {
    const peak = contains(calendar.peak, instant);
    if (peak !== undefined) found.push({ kind: 'peak', interval: peak, level: 'wait' });
    if (input.policy.windows.staffed.length > 0 && contains(calendar.staffed, instant) === undefined) {
      found.push({ kind: 'staffed', interval: null, level: 'wait' });
    }
  }
  if (input.needsPreferred && contains(calendar.preferred, instant) === undefined) {
    found.push({ kind: 'preferred', interval: null, level: 'wait' });
  }
  return found;
}

/** The runs of time, from now on, in which timing allows a deploy to start. */
function allowedRuns(
  calendar: Calendar,
  input: TimingInput,
  until: number,
): Array<{ start: number; end: number }> {
  const points = new Set<number>([input.now]);
  for (const list of [
    calendar.freezes,
    calendar.avoid,
    calendar.peak,
    calendar.staffed,
    calendar.preferred,
  ]) {
    for (const interval of list) {
      if (interval.start > input.now && interval.start < until) points.add(interval.start);
      if (interval.end > input.now && interval.end < until) points.add(interval.end);
    }
  }
  const sorted = [...points].sort((a, b) => a - b);
  sorted.push(until);
  const runs: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < sorted.length - 1; i++) {
    const start = sorted[i] ?? 0;
    const end = sorted[i + 1] ?? 0;
    if (blockers(calendar, input, start).length > 0) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.end === start) last.end = end;
    else runs.push({ start, end });
  }
  return runs;
}

const GATE_TITLES: Record<WindowKind, string> = {
  freeze: 'Deploy freeze',
  avoid: 'Avoid window',
  peak: 'Peak traffic',
  staffed: 'Outside staffed hours',
  preferred: 'Outside a preferred window',
  overrun: 'Deploy would overrun the window',
};

function explain(kind: WindowKind, interval: Interval | null, zone: string, input: TimingInput): string {
  switch (kind) {
    case 'freeze':
      return `${interval?.reason ?? 'Deploy freeze'} (${interval?.label ?? ''}), until ${interval === null ? '?' : localLabel(interval.end, zone)}.`;
    case 'avoid':
      return `${interval?.reason ?? 'Deploys are avoided now'} (${interval?.label ?? ''}).`;
    case 'peak':
      return `${interval?.reason === undefined ? '' : `${interval.reason}. `}Peak traffic until ${interval === null ? '?' : localLabel(interval.end, zone)}: a risky change (score at or above riskyAt ${input.policy.thresholds.riskyAt}) waits it out.`;
    case 'staffed':
      return 'Nobody is staffed to respond now, and the change is risky enough to need someone.';
    case 'preferred':
      return input.policy.windows.preferred.length === 0
        ? `The score is at or above waitAt (${input.policy.thresholds.waitAt}) and no preferred windows are configured.`
        : `The score is at or above waitAt (${input.policy.thresholds.waitAt}): such changes ship only inside a preferred window.`;
    case 'overrun':
      return `The deploy takes ${input.deployMinutes} min and would not finish before the window closes.`;
  }
}

function windowsText(kind: string, windows: Policy['windows']['peak']): string {
  return windows
    .map((w) => `${kind} ${typeof w.days === 'string' ? w.days : w.days.join(',')} ${w.from}-${w.to}`)
    .join(', ');
}

/**
 * Why no window opens before `until` (a clause, no full stop): every blocker met on the way, named (the windows and freezes),
 * or that the open times are all shorter than the deploy.
 */
function whyNoWindow(
  calendar: Calendar,
  input: TimingInput,
  until: number,
  runs: ReadonlyArray<{ start: number; end: number }>,
): string {
  if (runs.length > 0) return `the open times are all shorter than the ${input.deployMinutes}-min deploy`;
  const named = new Set<string>();
  const points = [
    input.now,
    ...Object.values(calendar).flatMap((list: Interval[]) => list.flatMap((i) => [i.start, i.end])),
  ];
  for (const point of points.filter((p) => p >= input.now && p < until).sort((a, b) => a - b)) {
    for (const { kind, interval } of blockers(calendar, input, point)) {
      if (interval !== null) named.add(interval.label);
      else if (kind === 'preferred')
        named.add(
          input.policy.windows.preferred.length === 0
            ? 'no preferred window configured (the score is at or above waitAt)'
            : `outside ${windowsText('preferred', input.policy.windows.preferred)}`,
        );
      else if (kind === 'staffed')
        named.add(`outside ${windowsText('staffed', input.policy.windows.staffed)}`);
    }
  }
  return `every time is blocked by ${[...named].join('; ')}`;
}

/** Timing gates and the next window in which the deploy could start and finish. */
export function assessTiming(input: TimingInput): { timing: Timing; gates: Gate[] } {
  const zone = input.policy.timezone;
  const lastFreeze = Math.max(0, ...input.policy.windows.freezes.map((f) => freezeInterval(f, zone).end));
  const until = Math.min(input.now + MAX_HORIZON, Math.max(input.now + MIN_HORIZON, lastFreeze + 8 * DAY));
  const calendar = buildCalendar(input.policy, input.now - DAY, until);
  const deployMs = input.deployMinutes * MINUTE;

  const gates: Gate[] = blockers(calendar, input, input.now).map(({ kind, interval, level }) => ({
    id: kind,
    kind: 'timing',
    level,
    title: GATE_TITLES[kind],
    reason: explain(kind, interval, zone, input),
    until: interval === null ? null : isoIn(interval.end, zone),
  }));

  const runs = allowedRuns(calendar, input, until);
  const fitting = runs.find((run) => run.end - Math.max(run.start, input.now) >= deployMs);
  const current = runs[0]?.start === input.now ? runs[0] : undefined;
  if (
    gates.length === 0 &&
    current !== undefined &&
    current.end - input.now < deployMs &&
    current.end < until
  ) {
    const closing = blockers(calendar, input, current.end)[0];
    gates.push({
      id: 'overrun',
      kind: 'timing',
      level: 'wait',
      title: GATE_TITLES.overrun,
      reason: `The deploy takes ${input.deployMinutes} min, but ${closing === undefined ? 'the window' : GATE_TITLES[closing.kind].toLowerCase()} starts at ${localLabel(current.end, zone)}, in ${Math.round((current.end - input.now) / MINUTE)} min.`,
      until: isoIn(current.end, zone),
    });
  }

  const nextWindow =
    fitting === undefined
      ? null
      : {
          start: isoIn(Math.max(fitting.start, input.now), zone),
          end: fitting.end >= until ? null : isoIn(fitting.end, zone),
          startLocal: localLabel(Math.max(fitting.start, input.now), zone),
          endLocal: fitting.end >= until ? null : localLabel(fitting.end, zone),
          startsInMinutes: Math.max(0, Math.round((fitting.start - input.now) / MINUTE)),
          latestStart: fitting.end >= until ? null : isoIn(fitting.end - deployMs, zone),
          open: fitting.start <= input.now,
        };

  const active: Timing['active'] = [];
  const push = (kind: WindowKind, interval: Interval | undefined) => {
    if (interval !== undefined)
      active.push({
        kind,
        label: interval.label,
        until: isoIn(interval.end, zone),
        untilLocal: localLabel(interval.end, zone),
      });
  };
  push(
    'freeze',
    calendar.freezes.find((f) => f.start <= input.now && input.now < f.end),
  );
  push('avoid', contains(calendar.avoid, input.now));
  push('peak', contains(calendar.peak, input.now));
  push('staffed', contains(calendar.staffed, input.now));
  push('preferred', contains(calendar.preferred, input.now));

  return {
    timing: {
      now: isoIn(input.now, zone),
      nowLocal: localLabel(input.now, zone),
      timezone: zone,
      deployMinutes: input.deployMinutes,
      risky: input.risky,
      active,
      nextWindow,
      noWindow: nextWindow === null ? whyNoWindow(calendar, input, until, runs) : null,
      horizonDays: Math.round((until - input.now) / DAY),
    },
    gates,
  };
}
