import type { LedgerRecord } from './record.js';

/**
 * What runs in the env now: the newest successful deploy that has not been rolled back. Events are
 * taken in time order (`at`); `rolled-back --sha S` takes S out, returning the env to the deploy before
 * it; `failed` changes nothing (the deploy did not take). `before` looks at the state before an instant,
 * and `excluding` ignores deploys of one commit (the base of an event about that commit).
 */
export function lastSucceeded(
  records: readonly LedgerRecord[],
  env: string,
  before?: string,
  excluding?: string,
): LedgerRecord | null {
  const events = records
    .filter((r) => r.env === env && (r.type === 'succeeded' || r.type === 'rolled-back'))
    .filter((r) => before === undefined || r.at < before)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  const stack: LedgerRecord[] = [];
  for (const event of events) {
    if (event.type === 'succeeded') {
      if (event.sha !== excluding) stack.push(event);
      continue;
    }
    const index = stack.map((r) => r.sha).lastIndexOf(event.sha);
    if (index !== -1) stack.splice(index);
  }
  return stack[stack.length - 1] ?? null;
}

/** "90d", "12h", "2w" or an ISO date → an ISO instant; null when not understood. */
export function sinceInstant(text: string, now: number): string | null {
  const relative = /^(\d+)([hdw])$/.exec(text);
  if (relative !== null) {
    const hours = { h: 1, d: 24, w: 168 }[relative[2] as 'h' | 'd' | 'w'];
    return new Date(now - Number(relative[1]) * hours * 3_600_000).toISOString();
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
