import { ChangeHistory, type HistoryState } from '../assess/change-features.js';
import { foldPrior, type PriorProfile } from '../assess/factors/model.js';
import { PROFILE_CHANGES, readPriorChanges } from '../collect/change-profile.js';
import type { GitRunner } from '../collect/git-runner.js';
import { readKeyed, writeKeyed } from '../collect/keyed-cache.js';
import type { RepoLayout } from '../collect/repo-layout.js';
import { BUILD } from '../version.js';

/**
 * The change profile of a base commit, folded (what `changes-v1.jsonl` gives, after the risk model has
 * read the 1,000 changes before the base). It depends only on the base and the tool, so it is cached
 * per base: between two deploys every plan has the same base, and reads one small file instead of the
 * 1,000 changes. The key holds the build (version and source digest): another build may fold differently.
 */
const PROFILE_CACHE = 'profile-v1.json';

interface StoredProfile {
  history: HistoryState;
  trailerKeys: string[];
  count: number;
}

function isStored(value: unknown): value is StoredProfile {
  const stored = value as Partial<StoredProfile> | null | undefined;
  return (
    typeof stored?.count === 'number' &&
    Array.isArray(stored.trailerKeys) &&
    Array.isArray(stored.history?.files) &&
    Array.isArray(stored.history.authors) &&
    Array.isArray(stored.history.ecdfs)
  );
}

/**
 * The folded profile of the changes before `base` (none from the root), cached per base. Not in a
 * shallow clone: there the changes before a base grow when the clone is deepened, the base staying.
 */
export async function priorProfile(
  git: GitRunner,
  layout: Pick<RepoLayout, 'gitDir' | 'isShallow'>,
  base: string | null,
): Promise<PriorProfile> {
  if (base === null) return foldPrior([]);
  const { gitDir } = layout;
  if (layout.isShallow) return foldPrior(await readPriorChanges(git, gitDir, base));
  const key = { build: BUILD, base, changes: PROFILE_CHANGES };
  const cached = await readKeyed(gitDir, PROFILE_CACHE, key);
  if (isStored(cached)) {
    try {
      return {
        history: ChangeHistory.from(cached.history),
        trailerKeys: new Set(cached.trailerKeys),
        count: cached.count,
      };
    } catch {
      // Damaged beyond its shape: folded again below.
    }
  }
  const profile = foldPrior(await readPriorChanges(git, gitDir, base));
  const stored: StoredProfile = {
    history: profile.history.state(),
    trailerKeys: [...profile.trailerKeys],
    count: profile.count,
  };
  await writeKeyed(gitDir, PROFILE_CACHE, key, stored);
  return profile;
}
