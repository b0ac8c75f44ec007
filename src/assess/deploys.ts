import type { LedgerRecord } from '../ledger/record.js';

/** One deploy of one commit to one environment, as the ledger's events tell it. */
export interface Deploy {
  env: string;
  sha: string;
  /** What ran before (the record's base), when known. */
  base: string | null;
  /** When it went out: its `started` event, else its outcome (ISO-8601 UTC). */
  at: string;
  /** When its outcome was recorded. */
  endedAt: string;
  outcome: 'succeeded' | 'failed' | 'rolled-back';
  /** When service was good again after a failure: the rollback, or the next successful deploy. */
  restoredAt: string | null;
  reason: string | null;
}

function byTime(a: LedgerRecord, b: LedgerRecord): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq;
}

/**
 * Turns deploy events into deploys. `started` opens a deploy; `succeeded` or `failed` closes the open
 * deploy of that commit (or stands alone); `rolled-back --sha S` marks the latest deploy of S as rolled
 * back. A deploy that failed and was then rolled back is one failed deploy, counted once.
 */
export function deploysFrom(records: readonly LedgerRecord[], env: string): Deploy[] {
  const events = records
    .filter((record) => record.env === env && record.type !== 'plan' && record.type !== 'override')
    .sort(byTime);
  const deploys: Deploy[] = [];
  const open = new Map<string, { at: string; base: string | null }>();
  for (const event of events) {
    if (event.type === 'started') {
      open.set(event.sha, { at: event.at, base: event.base });
      continue;
    }
    if (event.type === 'succeeded' || event.type === 'failed') {
      const started = open.get(event.sha);
      open.delete(event.sha);
      deploys.push({
        env,
        sha: event.sha,
        base: event.base ?? started?.base ?? null,
        at: started?.at ?? event.at,
        endedAt: event.at,
        outcome: event.type,
        restoredAt: null,
        reason: event.reason,
      });
      continue;
    }
    // rolled-back: the latest deploy of that commit, or a deploy the ledger only knows was rolled back.
    const latest = deploys.findLast((deploy) => deploy.sha === event.sha);
    if (latest !== undefined) {
      if (latest.outcome === 'succeeded') latest.outcome = 'rolled-back';
      latest.restoredAt ??= event.at;
      latest.reason ??= event.reason;
    } else {
      deploys.push({
        env,
        sha: event.sha,
        base: event.base,
        at: event.at,
        endedAt: event.at,
        outcome: 'rolled-back',
        restoredAt: event.at,
        reason: event.reason,
      });
    }
  }
  // A failed deploy without a rollback is restored by the next deploy that succeeded.
  for (const [index, deploy] of deploys.entries()) {
    if (deploy.outcome === 'succeeded' || deploy.restoredAt !== null) continue;
    const next = deploys.slice(index + 1).find((later) => later.outcome === 'succeeded');
    deploy.restoredAt = next?.endedAt ?? null;
  }
  return deploys;
}
