/**
 * Reverts in git history: which commit reverted which. Git writes `This reverts commit <sha>.` in the
 * body; GitHub's revert button writes `Revert "<subject>"` and `Reverts owner/repo#123`; squash merges
 * carry the pull request number as `(#123)` at the end of the subject. A revert is evidence that the
 * reverted change failed, and the revert's time is when that became known.
 */

export interface RevertLink {
  /** The commit that was reverted. */
  reverted: string;
  /** The commit that reverted it. */
  by: string;
  /** When the revert was committed (ISO-8601, as git printed it). */
  at: string;
  /** How the two were matched. */
  how: 'sha' | 'subject' | 'pull-request';
}

/** The parts of a commit the matcher reads. */
export interface RevertCandidate {
  sha: string;
  subject: string;
  body: string;
  committer: { date: string };
}

const REVERTS_SHA = /\bThis reverts commit ([0-9a-f]{7,64})\b/g;
const REVERT_SUBJECT = /^Revert "(.+)"(?:\s*\(#\d+\))?\s*$/;
/** Conventional commits: `revert: <subject> (#new)`, `revert(scope): "<subject>"`. */
const CONVENTIONAL_REVERT = /^revert(?:\([^)]*\))?!?:\s*(.+?)\s*$/i;

/** The subject a revert names, from `Revert "<subject>"` or `revert: <subject>`; null for other commits. */
export function revertedSubject(subject: string): string | null {
  const quoted = REVERT_SUBJECT.exec(subject)?.[1];
  if (quoted !== undefined) return quoted;
  const conventional = CONVENTIONAL_REVERT.exec(subject)?.[1];
  if (conventional === undefined) return null;
  // `revert: "fix: x (#1)" (#2)`: the quoted part is the subject; unquoted, the own PR may follow it.
  const inQuotes = /^"(.+)"(?:\s*\(#\d+\))?$/.exec(conventional)?.[1];
  return inQuotes ?? conventional;
}
const PR_SUFFIX = /\(#(\d+)\)\s*$/;
const REVERTS_PR = /^Reverts [\w.-]+\/[\w.-]+#(\d+)\s*$/m;
const SHORT = 7;

interface Pending {
  by: string;
  at: string;
}

/**
 * Matches reverts to the commits they revert over a stream of commits NEWEST FIRST (the order of `git
 * log`), so a revert is always seen before its target and each commit is labelled when it is read.
 * Memory holds only the reverts still waiting for their target.
 */
export class RevertMatcher {
  private readonly bySha = new Map<string, Array<Pending & { sha: string }>>();
  private readonly bySubject = new Map<string, Pending>();
  private readonly byPullRequest = new Map<string, Pending>();
  /** Reverts matched by subject or pull request already. */
  private readonly used = new Set<string>();

  /** Reads one commit (newest first); returns the link when this commit was reverted by a newer one. */
  observe(commit: RevertCandidate): RevertLink | null {
    const link = this.match(commit);
    this.remember(commit);
    return link;
  }

  private match(commit: RevertCandidate): RevertLink | null {
    const prefix = commit.sha.slice(0, SHORT);
    const candidates = this.bySha.get(prefix);
    if (candidates !== undefined) {
      const index = candidates.findIndex((entry) => commit.sha.startsWith(entry.sha));
      const entry = candidates[index];
      if (entry !== undefined) {
        candidates.splice(index, 1);
        if (candidates.length === 0) this.bySha.delete(prefix);
        return { reverted: commit.sha, by: entry.by, at: entry.at, how: 'sha' };
      }
    }
    // One revert names its target several ways (subject with and without the PR number, the PR
    // number); the first match uses it up, so an older commit with a similar subject is not labelled too.
    const bySubject = this.bySubject.get(commit.subject);
    if (bySubject !== undefined) {
      this.bySubject.delete(commit.subject);
      if (!this.used.has(bySubject.by)) {
        this.used.add(bySubject.by);
        return { reverted: commit.sha, by: bySubject.by, at: bySubject.at, how: 'subject' };
      }
    }
    const pr = PR_SUFFIX.exec(commit.subject)?.[1];
    const byPr = pr === undefined ? undefined : this.byPullRequest.get(pr);
    if (pr !== undefined && byPr !== undefined) {
      this.byPullRequest.delete(pr);
      if (!this.used.has(byPr.by)) {
        this.used.add(byPr.by);
        return { reverted: commit.sha, by: byPr.by, at: byPr.at, how: 'pull-request' };
      }
    }
    return null;
  }

  private remember(commit: RevertCandidate): void {
    const pending = { by: commit.sha, at: commit.committer.date };
    const shas = [...commit.body.matchAll(REVERTS_SHA)].map((match) => match[1] ?? '');
    if (shas.length > 0) {
      for (const sha of shas) {
        const prefix = sha.slice(0, SHORT);
        const list = this.bySha.get(prefix) ?? [];
        list.push({ ...pending, sha });
        this.bySha.set(prefix, list);
      }
      return;
    }
    const inner = revertedSubject(commit.subject);
    if (inner !== null) {
      // The newest revert of a subject wins; an older one of the same subject reverted an older commit.
      for (const subject of new Set([inner, inner.replace(PR_SUFFIX, '').trimEnd()])) {
        if (subject !== '') this.offer(this.bySubject, subject, pending);
      }
      for (const match of inner.matchAll(/\(#(\d+)\)/g)) {
        if (match[1] !== undefined) this.offer(this.byPullRequest, match[1], pending);
      }
    }
    // GitHub's revert button names the pull request in the body: `Reverts owner/repo#123`.
    const pr = REVERTS_PR.exec(commit.body)?.[1];
    if (pr !== undefined && /^revert\b/i.test(commit.subject)) this.offer(this.byPullRequest, pr, pending);
  }

  /** Keeps a revert waiting under `key`, unless a newer one that is not used up already waits there. */
  private offer(map: Map<string, Pending>, key: string, pending: Pending): void {
    const waiting = map.get(key);
    if (waiting === undefined || this.used.has(waiting.by)) map.set(key, pending);
  }
}

/** True when the commit is itself a revert (by message). */
export function isRevert(commit: Pick<RevertCandidate, 'subject' | 'body'>): boolean {
  return (
    revertedSubject(commit.subject) !== null ||
    /\bThis reverts commit [0-9a-f]{7,64}\b/.test(commit.body) ||
    (/^revert\b/i.test(commit.subject) && REVERTS_PR.test(commit.body))
  );
}

/** Every revert link among `commits`, which may be in any order (they are read newest first). */
export function findReverts(commits: readonly RevertCandidate[]): Map<string, RevertLink> {
  const ordered = [...commits].sort((a, b) => Date.parse(b.committer.date) - Date.parse(a.committer.date));
  const matcher = new RevertMatcher();
  const links = new Map<string, RevertLink>();
  for (const commit of ordered) {
    const link = matcher.observe(commit);
    if (link !== null) links.set(link.reverted, link);
  }
  return links;
}
