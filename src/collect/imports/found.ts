import type { ImportSource } from '../../ledger/record.js';

/** A past deploy `ledger import` found in the repository or its forge, before it becomes a record. */
export interface FoundDeploy {
  source: ImportSource;
  /** Its id where it was found (tag name, deployment id, release id): the import's idempotency key. */
  id: string;
  outcome: 'succeeded' | 'failed';
  /** The deployed commit; null when only `tag` names it (a release, resolved against the local tags). */
  sha: string | null;
  tag?: string;
  /** When it happened, ISO-8601 UTC without milliseconds. */
  at: string;
  /** What it is, for messages: "tag v1.2.0", "GitHub deployment 42 (success)". */
  what: string;
  /** Why it failed, for failed deploys. */
  reason: string | null;
}

/** Something found that is not imported, and why (still running, a draft, no commit). */
export interface SkippedDeploy {
  source: ImportSource;
  id: string;
  why: string;
}

export type ImportRead =
  | { status: 'ok'; found: FoundDeploy[]; skipped: SkippedDeploy[] }
  | { status: 'unavailable'; reason: string };

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A commit id as the ledger keeps it (full, lowercase), or null. */
export function fullSha(text: string): string | null {
  const sha = text.trim().toLowerCase();
  return FULL_SHA.test(sha) ? sha : null;
}

/** An instant as the ledger keeps it (UTC, no milliseconds), or null when it is not one. */
export function instantOf(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text.trim())) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
