import { execFileSync } from 'node:child_process';
import { makeRepo, type TestRepo } from './repo.js';

/** What a generated change is; failure is planted from these (or from nothing, for random labels). */
export interface ChangeTraits {
  payments: boolean;
  /** Lines the change adds (one new file). */
  lines: number;
  ai: boolean;
}

export interface BacktestHistoryPlan {
  /** Changes to generate (revert commits come on top). */
  count: number;
  /** Seed of the mulberry32 stream every random choice is drawn from. */
  seed: number;
  /** The committed .deployadvisor.yml. */
  policy: string;
  traits: (random: () => number, index: number) => ChangeTraits;
  /** Chance that the change fails (is reverted later); drawn from the same stream. */
  failProbability: (traits: ChangeTraits) => number;
}

export interface GeneratedChange extends ChangeTraits {
  index: number;
  sha: string;
  subject: string;
  path: string;
  failed: boolean;
}

export interface GeneratedHistory {
  repo: TestRepo;
  changes: GeneratedChange[];
  /** The revert commits, newest first. */
  reverts: string[];
}

/** The classic 32-bit PRNG: small, fast and the same on every machine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** First change: Monday 2024-01-01 09:00 UTC; one change every 3 hours. */
const START = Date.parse('2024-01-01T09:00:00Z') / 1000;
const STEP = 3 * 3600;
/** A failed change is reverted this many changes later (as GitHub's revert button words it). */
const REVERT_LAG = 4;

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/**
 * A linear history written with one `git fast-import` run: the policy commit, then `count` changes (each
 * adds one file, in src/payments/ or src/app/), and for each planted failure a `Revert "<subject>"`
 * commit a few changes later that deletes the file again. Only the policy file is checked out.
 */
export function generateBacktestRepo(plan: BacktestHistoryPlan): GeneratedHistory {
  const random = mulberry32(plan.seed);
  const repo = makeRepo('da-backtest-');
  const commit = (seconds: number, message: string, ops: string) =>
    `commit refs/heads/main\ncommitter T <t@example.com> ${seconds} +0000\n${data(message)}${ops}`;
  let stream = commit(START - 3600, 'policy\n', `M 100644 inline .deployadvisor.yml\n${data(plan.policy)}`);
  const changes: GeneratedChange[] = [];
  const due = new Map<number, GeneratedChange[]>();
  for (let index = 0; index < plan.count; index++) {
    const at = START + index * STEP;
    for (const reverted of due.get(index) ?? []) {
      stream += commit(
        at - 600,
        `Revert "${reverted.subject}"\n\nIt broke checkout.\n`,
        `D ${reverted.path}\n`,
      );
    }
    due.delete(index);
    const traits = plan.traits(random, index);
    const failed = random() < plan.failProbability(traits);
    // Buckets keep trees small: one directory of 3,000 files makes fast-import rewrite it 3,000 times.
    const path = `src/${traits.payments ? 'payments' : 'app'}/m${index % 64}/c${index}.ts`;
    const change: GeneratedChange = { ...traits, index, sha: '', subject: `change ${index}`, path, failed };
    changes.push(change);
    const trailer = traits.ai ? '\n\nCo-authored-by: Claude <noreply@anthropic.com>' : '';
    const content = Array.from({ length: traits.lines }, (_, line) => `export const v${line} = ${index};\n`);
    stream += commit(
      at,
      `${change.subject}${trailer}\n`,
      `M 100644 inline ${path}\n${data(content.join(''))}`,
    );
    if (failed) due.set(index + REVERT_LAG, [...(due.get(index + REVERT_LAG) ?? []), change]);
  }
  // Failures too close to the end are reverted after the last change.
  for (const [offset, reverted] of [...due.values()].flat().entries()) {
    stream += commit(
      START + plan.count * STEP + offset * 60,
      `Revert "${reverted.subject}"\n`,
      `D ${reverted.path}\n`,
    );
  }
  execFileSync('git', ['fast-import', '--quiet', '--done'], {
    cwd: repo.dir,
    input: `${stream}done\n`,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  // Only the policy is needed on disk: a sparse checkout skips writing thousands of files.
  repo.git('sparse-checkout', 'set', '--no-cone', '/.deployadvisor.yml');
  repo.git('reset', '-q', '--hard', 'main');
  const reverts: string[] = [];
  for (const line of repo.git('log', '--format=%H %s').trim().split('\n')) {
    const [sha = '', ...words] = line.split(' ');
    const subject = words.join(' ');
    if (subject.startsWith('Revert ')) reverts.push(sha);
    const index = /^change (\d+)$/.exec(subject)?.[1];
    const change = index === undefined ? undefined : changes[Number(index)];
    if (change !== undefined) change.sha = sha;
  }
  return { repo, changes, reverts };
}
