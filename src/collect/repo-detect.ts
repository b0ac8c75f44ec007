import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pathMatcher } from '../assess/path-globs.js';
import { byText } from '../assess/text.js';
import { DEFAULT_MIGRATION_PATHS } from '../config/defaults.js';
import { DEFAULT_COVERAGE_PATHS } from './coverage/index.js';
import type { Detected } from '../config/init-template.js';
import type { GitRunner } from './git-runner.js';

const ZONE_HINTS: ReadonlyArray<readonly [RegExp, string, 'critical' | 'high' | 'medium']> = [
  [/(^|\/)(payments?|billing|checkout)$/i, 'payments', 'critical'],
  [/(^|\/)(auth|authn|authz|security|iam|login)$/i, 'auth', 'critical'],
  [/(^|\/)(infra|terraform|k8s|kubernetes|helm|deploy)$/i, 'infrastructure', 'high'],
  [/(^|\/)(db|database|migrations)$/i, 'database', 'high'],
  [/(^|\/)(api)$/i, 'api', 'medium'],
];

/** Whether `path` exists (any kind of file). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The paths git tracks in the working tree (the index), repo-relative. */
export async function trackedFiles(git: GitRunner): Promise<string[]> {
  const files: string[] = [];
  for await (const path of git.stream(['ls-files', '-z'], '\0')) if (path !== '') files.push(path);
  return files;
}

export async function detect(git: GitRunner, root: string): Promise<Detected> {
  const files = await trackedFiles(git);
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const isMigration = pathMatcher(DEFAULT_MIGRATION_PATHS);
  // The folder up to the migrations-like segment: db/migrate/2024_x.rb -> db/migrate.
  const folderOf = (file: string) =>
    /^(?:.*\/)?(?:migrations|migrate|versions|changelog|migration)(?=\/)/.exec(file)?.[0] ??
    file.split('/').slice(0, -1).join('/');
  const migrationDirs = [...new Set(files.filter((file) => isMigration(file)).map(folderOf))]
    .sort()
    .slice(0, 10);

  let branch = 'main';
  const originHead = await git.run(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], {
    okExitCodes: [0, 1, 128],
  });
  if (originHead.exitCode === 0) branch = originHead.stdout.trim().replace(/^origin\//, '');
  else {
    const head = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1, 128] });
    if (head.exitCode === 0) branch = head.stdout.trim();
  }

  const ciProvider = files.some((f) => f.startsWith('.github/workflows/'))
    ? 'github'
    : files.includes('.gitlab-ci.yml')
      ? 'gitlab'
      : files.some((f) => f.startsWith('.circleci/'))
        ? 'circleci'
        : null;

  const coverageReports: string[] = [];
  for (const candidate of DEFAULT_COVERAGE_PATHS)
    if (await exists(join(root, candidate))) coverageReports.push(candidate);

  const zones: Detected['zones'] = [];
  const seen = new Set<string>();
  for (const dir of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || byText(a, b))) {
    if (/(^|\/)(node_modules|vendor|test|tests|fixtures|docs)(\/|$)/.test(dir)) continue;
    for (const [pattern, name, risk] of ZONE_HINTS) {
      if (pattern.test(dir) && !seen.has(dir) && zones.length < 8) {
        seen.add(dir);
        zones.push({
          name: zones.some((z) => z.name === name) ? `${name}-${zones.length}` : name,
          path: dir,
          risk,
        });
      }
    }
  }
  return { branch, ciProvider, migrationDirs, coverageReports, zones };
}
