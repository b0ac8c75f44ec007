import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommitFacts } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';
import { LOG_FORMAT, parseLog } from './git-log.js';

/** How many earlier changes the plan reads to place a deploy among the repository's own changes. */
export const PROFILE_CHANGES = 1000;

const CACHE_FILE = 'changes-v1.jsonl';

/** What the risk model reads of a past commit; a commit never changes, so it is cached by sha. */
type Cached = Omit<CommitFacts, 'body'>;

async function readCache(path: string): Promise<Map<string, Cached>> {
  const cache = new Map<string, Cached>();
  const text = await readFile(path, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const entry = JSON.parse(line) as Cached;
      if (typeof entry.sha === 'string' && Array.isArray(entry.files)) cache.set(entry.sha, entry);
    } catch {
      // A torn last line (an interrupted run) is read again from git.
    }
  }
  return cache;
}

/**
 * The repository's changes before a deploy (newest first, with their files): what the risk model's
 * percentiles and file histories are measured against. `git rev-list` names them; their files come from
 * a cache under `<git-dir>/deployadvisor/` (a commit's files never change), and `git log --numstat` reads
 * only the ones not cached yet, so the first plan in a clone pays for the history and later ones do not.
 */
export async function readPriorChanges(
  git: GitRunner,
  gitDir: string,
  before: string | null,
  max = PROFILE_CHANGES,
): Promise<CommitFacts[]> {
  if (before === null) return [];
  const listed = await git.run([
    'rev-list',
    '--no-merges',
    `--max-count=${max}`,
    '--end-of-options',
    before,
    '--',
  ]);
  const shas = listed.stdout.split('\n').filter((sha) => sha !== '');
  const path = join(gitDir, 'deployadvisor', CACHE_FILE);
  const cache = await readCache(path);
  const missing = shas.filter((sha) => !cache.has(sha));
  if (missing.length > 0) {
    const args = [
      'log',
      '-z',
      '--numstat',
      '-M',
      '--no-walk=unsorted',
      '--stdin',
      '--no-ext-diff',
      '--no-textconv',
      `--format=${LOG_FORMAT}`,
      '--',
    ];
    const fresh: string[] = [];
    for await (const commit of parseLog(git.stream(args, '\0', { input: `${missing.join('\n')}\n` }))) {
      const { body: _body, ...kept } = commit;
      cache.set(commit.sha, kept);
      fresh.push(JSON.stringify(kept));
    }
    try {
      await mkdir(join(gitDir, 'deployadvisor'), { recursive: true });
      await appendFile(path, `${fresh.join('\n')}\n`);
    } catch {
      // A read-only clone: right answers, read again next time.
    }
  }
  return shas.flatMap((sha) => {
    const commit = cache.get(sha);
    return commit === undefined ? [] : [{ ...commit, body: '' }];
  });
}
