import type { LedgerRecord } from './record.js';

/** The env's last successful deploy: the base of the next plan and the rollback target. */
export function lastSucceeded(
  records: readonly LedgerRecord[],
  env: string,
  before?: string,
): LedgerRecord | null {
  let found: LedgerRecord | null = null;
  for (const record of records) {
    if (record.env !== env || record.type !== 'succeeded') continue;
    if (before !== undefined && record.at >= before) continue;
    if (found === null || record.at >= found.at) found = record;
  }
  return found;
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
