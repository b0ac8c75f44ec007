import { DateTime } from 'luxon';
import { z } from 'zod';

/** Days, clock times, time zones, windows and freezes: how the policy says when. */

const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY_SPEC = /^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?$/;

const daySpec = z.string().regex(DAY_SPEC, 'expected a day or a day range such as "mon" or "mon-fri"');
const dayList = z
  .union([daySpec, z.array(daySpec).min(1)], {
    error: 'expected a day list such as [mon, tue] or a range such as "mon-fri"',
  })
  .describe('Days the window applies to: a list such as [mon, tue] or a range such as "mon-fri".');

const clock = (what: string) =>
  z.string().regex(CLOCK, `expected a wall-clock time "HH:MM" (00:00-24:00)`).describe(what);

export const timeZone = z
  .string()
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as "America/Los_Angeles" or "UTC"')
  .describe('IANA time zone, for example "Europe/Berlin".');

export const windowSchema = z
  .strictObject({
    days: dayList,
    from: clock('Start, wall-clock time in the window\'s zone ("09:00").'),
    to: clock('End, wall-clock time ("17:00"; "24:00" is midnight). Earlier than `from` means overnight.'),
    tz: timeZone.optional().describe('Time zone of this window; defaults to the top-level `timezone`.'),
    reason: z.string().optional().describe('Shown when the window decides the verdict.'),
  })
  .describe('A weekly wall-clock window. DST-safe: 09:00 stays 09:00 local across clock changes.');
export type WindowSpec = z.infer<typeof windowSchema>;

const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export const freezeSchema = z
  .strictObject({
    name: z.string().min(1).describe('Name of the freeze, shown in the plan.'),
    from: z
      .string()
      .regex(DATE_OR_TIME, 'expected a date (2026-12-20) or date-time (2026-12-20T17:00)')
      .describe('First day (or instant) of the freeze.'),
    to: z
      .string()
      .regex(DATE_OR_TIME, 'expected a date (2027-01-02) or date-time (2027-01-02T09:00)')
      .describe('Last day of the freeze (a date includes that whole day), or the instant it ends.'),
    tz: timeZone.optional().describe('Zone for dates without an offset; defaults to `timezone`.'),
    level: z.enum(['wait', 'block']).default('block').describe('What the freeze does to a deploy.'),
    reason: z.string().optional().describe('Why, shown in the plan.'),
  })
  .superRefine((freeze, ctx) => {
    // Dates are checked here, in the policy's terms, so a typo never silently disables a freeze.
    const parse = (text: string) => DateTime.fromISO(text.replace(' ', 'T'), { zone: freeze.tz ?? 'UTC' });
    const from = parse(freeze.from);
    const to = parse(freeze.to);
    if (!from.isValid)
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `expected a real date or date-time, got "${freeze.from}"`,
      });
    if (!to.isValid)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `expected a real date or date-time, got "${freeze.to}"`,
      });
    if (from.isValid && to.isValid && to < from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the freeze ends (${freeze.to}) before it starts (${freeze.from})`,
      });
    }
  })
  .describe('A deploy freeze between two dates or instants.');
export type FreezeSpec = z.infer<typeof freezeSchema>;
