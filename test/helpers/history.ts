import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, type LedgerRecord, type RecordBody } from '../../src/ledger/record.js';
import { recordId } from '../../src/ledger/store.js';
import { deployEvent } from './records.js';
import { makeRepo, type TestRepo } from './repo.js';

/** One generated deploy: a commit on main, deployed at `at`, and how (if) it failed. */
export interface PlantedDeploy {
  sha: string;
  at: string;
  ai: boolean;
  payments: boolean;
  failed: 'no' | 'ledger-failed' | 'rolled-back' | 'revert';
}

export interface HistoryPlan {
  days: number;
  /** First deploy day (UTC midnight), e.g. 2024-12-02 (a Monday). */
  start: string;
  /** Hour (UTC) of every deploy. */
  hour: number;
  /** Failure probability of deploy i, given its traits; failures are spread evenly (error diffusion). */
  failRate: (traits: { weekday: number; ai: boolean; payments: boolean }) => number;
  ai: (index: number) => boolean;
  payments: (index: number) => boolean;
}

export const HISTORY_POLICY = `version: 1
timezone: UTC
environments:
  production: { branch: main, deployMinutes: 15 }
riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: high
`;

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function fastImport(repo: TestRepo, stream: string, marks?: string): void {
  execFileSync(
    'git',
    ['fast-import', '--quiet', '--done', ...(marks === undefined ? [] : [`--export-marks=${marks}`])],
    {
      cwd: repo.dir,
      input: stream,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    },
  );
}

/**
 * A repository and ledger with a known answer, written with two `git fast-import` runs (no process per
 * commit): one deploy a day, each shipping one commit (plus, before it, the revert of an earlier one
 * when that one failed by revert). Failures are planted by rate per cell, spread evenly, and take turns
 * being recorded as `failed`, as `rolled-back`, or only as a revert in git.
 */
export function generateDeployHistory(plan: HistoryPlan): { repo: TestRepo; deploys: PlantedDeploy[] } {
  const repo = makeRepo('da-history-');
  repo.write('.deployadvisor.yml', HISTORY_POLICY);
  repo.git('add', '-A');
  repo.git(
    '-c',
    'user.name=T',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-q',
    '-m',
    'policy',
    '--date',
    `${plan.start}T00:00:00Z`,
  );
  const startMs = Date.parse(`${plan.start}T00:00:00Z`);
  const accumulators = new Map<string, number>();
  const traits: Array<Omit<PlantedDeploy, 'sha'>> = [];
  let turn = 0;
  for (let i = 0; i < plan.days; i++) {
    const at = new Date(startMs + i * 86_400_000 + plan.hour * 3_600_000);
    const weekday = (at.getUTCDay() + 6) % 7; // 0 = Monday
    const ai = plan.ai(i);
    const payments = plan.payments(i);
    const cell = `${weekday === 4 ? 'fri' : 'other'}:${ai}:${payments}`;
    const acc = (accumulators.get(cell) ?? 0.5) + plan.failRate({ weekday, ai, payments });
    const fails = acc >= 1;
    accumulators.set(cell, fails ? acc - 1 : acc);
    const how = fails ? (['ledger-failed', 'rolled-back', 'revert'] as const)[turn++ % 3] : 'no';
    traits.push({ at: at.toISOString().replace('.000Z', 'Z'), ai, payments, failed: how ?? 'no' });
  }

  let stream = '';
  let mark = 0;
  const time = (iso: string, minus: number) => `${Math.floor(Date.parse(iso) / 1000) - minus} +0000`;
  const deployMarks: number[] = [];
  for (const [i, t] of traits.entries()) {
    const previous = traits[i - 1];
    if (previous?.failed === 'revert') {
      mark += 1;
      // GitHub's revert button: the subject names the reverted commit's subject.
      const message = `Revert "change ${i - 1}"\n\nIt broke checkout.\n`;
      stream += `commit refs/heads/main\nmark :${mark}\ncommitter T <t@example.com> ${time(t.at, 3 * 3600)}\n`;
      stream += data(message);
      stream += `M 100644 inline docs/reverts/r${i}.md\n${data(`revert ${i - 1}\n`)}`;
    }
    mark += 1;
    deployMarks.push(mark);
    const path = t.payments ? `src/payments/c${i}.ts` : `src/app/c${i}.ts`;
    const body = t.ai ? '\n\nCo-authored-by: Claude <noreply@anthropic.com>\n' : '\n';
    stream += `commit refs/heads/main\nmark :${mark}\ncommitter T <t@example.com> ${time(t.at, 2 * 3600)}\n`;
    stream += data(`change ${i}${body}`);
    const content =
      Array.from({ length: 20 }, (_, line) => `export const v${line} = ${i};`).join('\n') + '\n';
    stream += `M 100644 inline ${path}\n${data(content)}`;
  }
  const marksFile = join(repo.dir, '.git', 'da-marks');
  // The branch exists (the policy commit): the first imported commit continues it.
  const first = stream.indexOf('M 100644');
  fastImport(
    repo,
    `${stream.slice(0, first)}from refs/heads/main^0\n${stream.slice(first)}done\n`,
    marksFile,
  );
  const marks = readFileSync(marksFile, 'utf8');
  const shaOf = (m: number) => new RegExp(`^:${m} ([0-9a-f]{40})$`, 'm').exec(marks)?.[1] ?? '';
  const deploys = traits.map((t, i) => ({ ...t, sha: shaOf(deployMarks[i] ?? 0) }));
  repo.git('reset', '-q', '--hard', 'main');

  // The ledger: succeeded (and rolled-back, failed) events in time order, chained like appendRecord does.
  const bodies: RecordBody[] = [];
  let previous: string | null = null;
  for (const d of deploys) {
    const event = (type: RecordBody['type'], at: string, reason: string | null) =>
      deployEvent(type, d.sha, at, { base: previous, reason });
    const later = new Date(Date.parse(d.at) + 40 * 60_000).toISOString().replace('.000Z', 'Z');
    if (d.failed === 'ledger-failed') {
      bodies.push(event('failed', d.at, 'error rate up'));
      continue;
    }
    bodies.push(event('succeeded', d.at, null));
    if (d.failed === 'rolled-back') bodies.push(event('rolled-back', later, 'latency up'));
    else previous = d.sha;
  }
  writeLedger(repo, bodies);
  return { repo, deploys };
}

/** Writes records as a chained ledger on refs/deployadvisor/ledger with one fast-import. */
export function writeLedger(repo: TestRepo, bodies: readonly RecordBody[]): LedgerRecord[] {
  let prev: LedgerRecord | null = null;
  let stream = '';
  const records: LedgerRecord[] = [];
  for (const [index, body] of bodies.entries()) {
    const unsigned = { ...body, seq: index + 1, prev: prev?.id ?? null };
    const record: LedgerRecord = { ...unsigned, id: recordId(unsigned) };
    stream += `commit refs/deployadvisor/ledger\ncommitter deployadvisor <ledger@deployadvisor.invalid> ${1_700_000_000 + index} +0000\n`;
    stream += data(`${record.type} ${record.env} ${record.sha.slice(0, 12)} #${record.seq}\n`);
    stream += `M 100644 inline record.json\n${data(canonicalJson(record))}`;
    records.push(record);
    prev = record;
  }
  fastImport(repo, `${stream}done\n`);
  return records;
}
