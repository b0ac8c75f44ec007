import { byText } from '../assess/text.js';
import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathMatcher } from '../assess/path-globs.js';
import { DEFAULT_MIGRATION_PATHS } from '../config/schema.js';
import { DEFAULT_COVERAGE_PATHS } from '../collect/coverage/index.js';
import { POLICY_FILE_NAMES } from '../config/source.js';
import { parsePolicy } from '../config/parse.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { repoDirectory, writeUserFile } from './shared.js';
import { createGitRunner, type GitRunner } from '../collect/git-runner.js';

/** What init could tell about the repository. */
export interface Detected {
  branch: string;
  ciProvider: 'github' | 'gitlab' | 'circleci' | null;
  migrationDirs: string[];
  coverageReports: string[];
  zones: Array<{ name: string; path: string; risk: 'critical' | 'high' | 'medium' }>;
}

const ZONE_HINTS: ReadonlyArray<readonly [RegExp, string, 'critical' | 'high' | 'medium']> = [
  [/(^|\/)(payments?|billing|checkout)$/i, 'payments', 'critical'],
  [/(^|\/)(auth|authn|authz|security|iam|login)$/i, 'auth', 'critical'],
  [/(^|\/)(infra|terraform|k8s|kubernetes|helm|deploy)$/i, 'infrastructure', 'high'],
  [/(^|\/)(db|database|migrations)$/i, 'database', 'high'],
  [/(^|\/)(api)$/i, 'api', 'medium'],
];

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function detect(git: GitRunner, root: string): Promise<Detected> {
  const files: string[] = [];
  for await (const path of git.stream(['ls-files', '-z'], '\0')) if (path !== '') files.push(path);
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

const q = (text: string) => JSON.stringify(text);

/** The commented policy init writes. It always parses; a test holds it to that. */
export function renderInitPolicy(found: Detected, timezone: string): string {
  const lines: string[] = [];
  lines.push(
    '# deployadvisor policy. Every key is explained in .deployadvisor.example.yml and docs/policy.md.',
    `# Written by \`deployadvisor init\` from what it saw in this repository; review before committing.`,
    'version: 1',
    `timezone: ${q(timezone)}          # zone for windows and freezes that name none`,
    'defaultEnvironment: production',
    '',
    'environments:',
    '  production:',
    `    branch: ${q(found.branch)}            # detected default branch`,
    `    deployedRef: "deploy/production/*"   # tag each deploy (git tag deploy/production/<date> <sha>) so plans start there`,
    '    deployMinutes: 15',
    '    # rollback:',
    '    #   command: "kubectl rollout undo deployment/web"   # {sha} and {previousSha} are filled in',
    '',
  );
  if (found.zones.length > 0) {
    lines.push('# Risk zones guessed from directory names; adjust risk and owners.', 'riskZones:');
    for (const zone of found.zones) {
      lines.push(
        `  - name: ${q(zone.name)}`,
        `    paths: [${q(`${zone.path}/**`)}]`,
        `    risk: ${zone.risk}`,
        '    owners: []',
        '    requireReview: true',
      );
    }
  } else {
    lines.push(
      '# No risky directories recognised; declare yours, for example:',
      'riskZones: []',
      '#  - name: payments',
      '#    paths: ["src/payments/**"]',
      '#    risk: critical        # critical | high | medium | low | 0-100',
      '#    owners: ["@acme/payments"]',
      '#    requireReview: true',
    );
  }
  lines.push(
    '',
    'windows:',
    '  peak: [{ days: mon-fri, from: "09:00", to: "17:00" }]      # risky changes wait out peak traffic',
    '  preferred: [{ days: mon-thu, from: "10:00", to: "16:00" }] # high scores ship only in these',
    '  avoid: [{ days: [fri], from: "15:00", to: "24:00", reason: "Friday afternoon" }]',
    '  staffed: [{ days: mon-fri, from: "08:00", to: "18:00" }]',
    '  freezes: []   # - { name: holiday, from: 2026-12-20, to: 2027-01-02, level: block, reason: "Holiday freeze" }',
    '',
    'thresholds: { waitAt: 40, blockAt: 65, riskyAt: 25, hardGates: [] }',
    '',
    'migrations:',
  );
  if (found.migrationDirs.length > 0) {
    lines.push(`  paths: [${found.migrationDirs.map((dir) => q(`${dir}/**`)).join(', ')}]   # detected`);
  } else {
    lines.push(
      '  irreversiblePatterns: []   # no migration folders found: the default paths (db/migrations/**, migrations/**, ...) apply',
    );
  }
  lines.push(
    '',
    'ai:',
    '  markers: []   # extra regular expressions that mark a commit AI-assisted',
    '  ignore: []',
  );
  lines.push(
    '',
    `# CI provider: ${found.ciProvider ?? 'none detected'}. Coverage reports seen: ${found.coverageReports.length > 0 ? found.coverageReports.join(', ') : 'none'}.`,
  );
  if (found.ciProvider === 'github') {
    lines.push('# In GitHub Actions: deployadvisor plan --format github (checkout with fetch-depth: 0).');
  }
  return `${lines.join('\n')}\n`;
}

export async function runInit(io: Io, options: GlobalOptions): Promise<number> {
  const dir = await repoDirectory(io, options);
  const root = (await createGitRunner(dir).run(['rev-parse', '--show-toplevel'])).stdout.trim();
  const git = createGitRunner(root);
  const target =
    options.config === undefined ? join(root, POLICY_FILE_NAMES[0]) : resolve(io.cwd, options.config);
  for (const name of options.config === undefined ? POLICY_FILE_NAMES.map((n) => join(root, n)) : [target]) {
    if (await exists(name)) {
      throw new UserError(`${relative(io.cwd, name) || name} already exists; init never overwrites it.`, {
        hint: 'Edit it, or check it with `deployadvisor config check`.',
      });
    }
  }
  const found = await detect(git, root);
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const text = renderInitPolicy(found, timezone);
  parsePolicy(text, { kind: 'file', path: target, ref: null, blobSha: null });
  await writeUserFile(
    options.config === undefined ? 'init' : `init --config ${options.config}`,
    target,
    text,
    'wx',
  );
  io.stdout(
    `Wrote ${relative(io.cwd, target) || target}: branch ${found.branch}, ${found.zones.length} risk zone(s), ${found.migrationDirs.length} migration folder(s), CI ${found.ciProvider ?? 'none'}.\n`,
  );
  return 0;
}
