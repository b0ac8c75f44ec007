import { DateTime } from 'luxon';
import type { LedgerRecord } from './record.js';

/**
 * What runs in the env now: the newest successful deploy that has not been rolled back. Events are
 * taken in time order (`at`); `rolled-back --sha S` takes S out, returning the env to the deploy before
 * it (a rollback of a commit with no deploy here takes out the running deploy); `failed` changes nothing
 * (the deploy did not take). `before` looks at the state before an instant,
 * and `excluding` ignores deploys of one commit (the base of an event about that commit).
 */
export function lastSucceeded(
  records: readonly LedgerRecord[],
  env: string,
  before?: string,
  excluding?: string,
): LedgerRecord | null {
  const events = records
    .filter((r) => r.env === env && r.type !== 'plan' && r.type !== 'override' && r.type !== 'void')
    .filter((r) => before === undefined || r.at < before)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  const stack: LedgerRecord[] = [];
  const deployed = new Set<string>();
  for (const event of events) {
    if (event.type !== 'rolled-back') {
      deployed.add(event.sha);
      if (event.type === 'succeeded' && event.sha !== excluding) stack.push(event);
      continue;
    }
    const index = stack.map((r) => r.sha).lastIndexOf(event.sha);
    if (index !== -1) stack.splice(index);
    // A rollback naming a commit that never had a deploy here (`record rolled-back` from another
    // checkout) rolls back what was running, as insights (deploysFrom) counts it.
    else if (!deployed.has(event.sha) && event.sha !== excluding) stack.pop();
  }
  return stack[stack.length - 1] ?? null;
}

/** The longest `--since` durations understood, in each unit: about a hundred years. */
export const MAX_SINCE = { h: 876_000, d: 36_500, w: 5_214 } as const;

/** JavaScript dates end at ±8.64e15 ms (about 275,760 years either side of 1970). */
const MAX_INSTANT = 8.64e15;

export type SinceInstant =
  | { status: 'ok'; iso: string }
  | { status: 'too-long'; unit: keyof typeof MAX_SINCE }
  /** Understood, but before or after the dates JavaScript can represent. */
  | { status: 'out-of-range' }
  | { status: 'invalid' };

/**
 * `--since`: a duration back from `now` ("90d", "12h", "2w"), or an ISO-8601 date or date-time; one
 * without an offset is wall-clock time in `zone` (the policy's), as `--now` and `record --at` read it.
 */
export function sinceInstant(text: string, now: number, zone: string): SinceInstant {
  const relative = /^(\d+)([hdw])$/.exec(text);
  let ms: number;
  if (relative !== null) {
    const unit = relative[2] as keyof typeof MAX_SINCE;
    const count = Number(relative[1]);
    if (count > MAX_SINCE[unit]) return { status: 'too-long', unit };
    ms = now - count * { h: 1, d: 24, w: 168 }[unit] * 3_600_000;
  } else {
    const parsed = DateTime.fromISO(text, { zone });
    if (!parsed.isValid) return { status: 'invalid' };
    ms = parsed.toMillis();
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_INSTANT) return { status: 'out-of-range' };
  return { status: 'ok', iso: new Date(ms).toISOString() };
}
