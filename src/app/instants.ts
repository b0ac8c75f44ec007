import { DateTime } from 'luxon';
import { UserError } from '../errors.js';
import { MAX_SINCE, sinceInstant } from '../ledger/queries.js';

/** No time zone is further from UTC than −12:00 or +14:00; an offset beyond ±14:00 is a typo. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * An instant given on the command line (`--now`, `--at`): ISO-8601, read as wall-clock time in `zone`
 * (the policy's) when it has no offset. Exit 2, naming the flag, when it is not one or its offset is
 * beyond ±14:00.
 */
export function instantOption(flag: string, text: string, zone: string, example: string): DateTime {
  const parsed = DateTime.fromISO(text, { zone, setZone: true });
  if (!parsed.isValid)
    throw new UserError(`${flag} "${text}": expected an ISO-8601 date-time such as ${example}.`);
  if (Math.abs(parsed.offset) > MAX_OFFSET_MINUTES)
    throw new UserError(
      `${flag} "${text}": the UTC offset ${parsed.toFormat('ZZ')} is beyond ±14:00, which no time zone uses; expected an offset between -12:00 and +14:00 (such as -08:00 or +01:00), or Z.`,
    );
  return parsed;
}

/** `--since` as an ISO instant (see sinceInstant); what it cannot read is a usage error naming it. */
export function sinceOption(text: string, now: number, zone: string): string {
  const since = sinceInstant(text, now, zone);
  if (since.status === 'ok') return since.iso;
  if (since.status === 'too-long') {
    throw new UserError(
      `--since "${text}": too long a duration; at most ${MAX_SINCE.d}d, ${MAX_SINCE.w}w or ${MAX_SINCE.h}h (about a hundred years).`,
    );
  }
  if (since.status === 'out-of-range') {
    throw new UserError(
      `--since "${text}": the window would start outside the dates this tool can represent.`,
    );
  }
  throw new UserError(
    `--since "${text}": expected a duration such as 90d, 12w or 48h, or an ISO-8601 date such as 2026-01-01 (read in ${zone} without an offset).`,
  );
}

/** Parses --now: an ISO-8601 instant; without an offset it is wall-clock time in the policy's zone. */
export function parseNow(text: string, zone: string): number {
  return instantOption('--now', text, zone, '2026-11-23T14:00:00Z or 2026-11-23T06:00-08:00').toMillis();
}
