import type { DeployTraits, LedgerRecord } from '../ledger/record.js';

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
  /** What it shipped, when its record stored that (the outcome's, else the `started` one's). */
  traits?: DeployTraits;
}

function byTime(a: LedgerRecord, b: LedgerRecord): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq;
}

/**
 * Turns deploy events into deploys. `started` opens a deploy; `succeeded` or `failed` closes the open
 * deploy of that commit (or stands alone); `rolled-back --sha S` marks the latest deploy of S as rolled
 * back, or, when S was `started` and has no outcome yet, closes that deploy as a failure of S (restored by
 * the rollback). A deploy that failed and was then rolled back is one failed deploy, counted once. A rollback of
 * a commit the env never had a deploy of is the rollback of what ran then: the current deploy, as
 * lastSucceeded (ledger/queries.ts) defines it; with nothing running, it is ignored.
 */
export function deploysFrom(records: readonly LedgerRecord[], env: string): Deploy[] {
  const events = records
    .filter(
      (record) =>
        record.env === env && record.type !== 'plan' && record.type !== 'override' && record.type !== 'void',
    )
    .sort(byTime);
  const deploys: Deploy[] = [];
  const open = new Map<string, { at: string; base: string | null; traits?: DeployTraits }>();
  // What runs in the env, newest last, kept as lastSucceeded keeps it.
  const running: Deploy[] = [];
  for (const event of events) {
    if (event.type === 'started') {
      open.set(event.sha, {
        at: event.at,
        base: event.base,
        ...(event.traits === undefined ? {} : { traits: event.traits }),
      });
      continue;
    }
    if (event.type === 'succeeded' || event.type === 'failed') {
      const started = open.get(event.sha);
      open.delete(event.sha);
      const deploy: Deploy = {
        env,
        sha: event.sha,
        base: event.base ?? started?.base ?? null,
        at: started?.at ?? event.at,
        endedAt: event.at,
        outcome: event.type,
        restoredAt: null,
        reason: event.reason,
      };
      const traits = event.traits ?? started?.traits;
      if (traits !== undefined) deploy.traits = traits;
      deploys.push(deploy);
      if (deploy.outcome === 'succeeded') running.push(deploy);
      continue;
    }
    // rolled-back: the latest deploy of that commit, else the deploy running at the time.
    const index = running.map((deploy) => deploy.sha).lastIndexOf(event.sha);
    if (index !== -1) running.splice(index);
    const started = open.get(event.sha);
    if (started !== undefined) {
      // `started` then `rolled-back` of the same commit: a deploy of that commit that never took. It is
      // its failure, not one of the deploy that ran before (which is still running).
      open.delete(event.sha);
      deploys.push({
        env,
        sha: event.sha,
        base: event.base ?? started.base,
        at: started.at,
        endedAt: event.at,
        outcome: 'failed',
        restoredAt: event.at,
        reason: event.reason,
        ...(started.traits === undefined ? {} : { traits: started.traits }),
      });
      continue;
    }
    const latest = deploys.findLast((deploy) => deploy.sha === event.sha) ?? running.pop();
    if (latest === undefined) continue;
    if (latest.outcome === 'succeeded') latest.outcome = 'rolled-back';
    latest.restoredAt ??= event.at;
    latest.reason ??= event.reason;
  }
  // A failed deploy without a rollback is restored by the next deploy that succeeded.
  for (const [index, deploy] of deploys.entries()) {
    if (deploy.outcome === 'succeeded' || deploy.restoredAt !== null) continue;
    const next = deploys.slice(index + 1).find((later) => later.outcome === 'succeeded');
    deploy.restoredAt = next?.endedAt ?? null;
  }
  return deploys;
}
