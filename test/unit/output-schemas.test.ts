import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBacktestRepo, type GeneratedHistory } from '../helpers/backtest-repo.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';
import { outputSchema, schemaErrorsText, schemaValidator } from '../helpers/schemas.js';

/**
 * docs/backtest.schema.json, docs/calibration.schema.json and docs/lineage.schema.json validated against
 * REAL output: the CLI run in-process on real git repositories.
 */

interface SchemaNode {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  $defs?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
  description?: string;
}

const NAMES = ['backtest', 'calibration', 'lineage'] as const;
type Name = (typeof NAMES)[number];

const schemas = Object.fromEntries(NAMES.map((name) => [name, outputSchema(name) as SchemaNode])) as Record<
  Name,
  SchemaNode
>;
const validators = Object.fromEntries(NAMES.map((name) => [name, schemaValidator(name)])) as Record<
  Name,
  ValidateFunction
>;

function explain(name: Name, errors: ErrorObject[] | null | undefined): string {
  return `output does not match docs/${name}.schema.json:\n${schemaErrorsText(errors)}\n${JSON.stringify(errors, null, 2)}`;
}

function expectValid(name: Name, output: unknown): void {
  const validate = validators[name];
  expect(validate(output), explain(name, validate.errors)).toBe(true);
}

function expectInvalid(name: Name, output: unknown): void {
  expect(validators[name](output)).toBe(false);
}

/** Deep copy, to break one field without touching the real output. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Every object schema (outside the top level too): its properties all described, all required but `remedy`. */
function objectNodes(node: SchemaNode, path: string, out: Array<[string, SchemaNode]>): void {
  if (node.properties !== undefined) out.push([path, node]);
  for (const [key, child] of Object.entries(node.properties ?? {})) objectNodes(child, `${path}.${key}`, out);
  if (node.items !== undefined) objectNodes(node.items, `${path}[]`, out);
  for (const [key, child] of Object.entries(node.$defs ?? {})) objectNodes(child, `#/$defs/${key}`, out);
}

const numbered = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`).join('\n') + '\n';

/** A git-ai authorship note (v3): Claude wrote lines 1-8 of pay.ts, the human 9-12. */
const NOTE = `src/payments/pay.ts
  c9883b05a2487d6d 1-8
  h_a1b2c3d4e5f678 9-12
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.0",
  "base_commit_sha": "0000000000000000000000000000000000000000",
  "prompts": {"c9883b05a2487d6d": {"agent_id": {"tool": "claude", "id": "conv-1", "model": "claude-sonnet-4"}}},
  "humans": {"h_a1b2c3d4e5f678": {"author": "Test Author"}}
}`;

const POLICY = `version: 1
timezone: UTC
riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: high
`;

async function json(dir: string, ...args: string[]): Promise<Record<string, unknown>> {
  const result = await runCli(['--repo', dir, '--format', 'json', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('JSON output schemas: backtest, calibrate and lineage', () => {
  let repo: TestRepo;
  let history: GeneratedHistory;
  const sha: Record<string, string> = {};
  const out: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    repo = makeRepo('da-output-schemas-');
    repo.write('.deployadvisor.yml', POLICY);
    repo.write('src/app.ts', numbered('base', 1, 10));
    repo.write('docs/guide.md', numbered('doc', 1, 3));
    sha.base = repo.commit('base');

    repo.write('src/payments/pay.ts', numbered('pay', 1, 12));
    sha.ai = repo.commit('add payments', {
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Reviewed-by: Rita <rita@example.com>'],
    });
    repo.git('notes', '--ref=refs/notes/ai', 'add', '-m', NOTE, sha.ai);

    repo.write('src/app.ts', numbered('base', 1, 14));
    sha.tweak = repo.commit('tweak app');

    repo.write('src/app.ts', numbered('base', 1, 10));
    sha.revert = repo.commit('Revert "tweak app"', { body: `This reverts commit ${sha.tweak}.` });

    repo.write('src/shop.ts', numbered('shop', 1, 6));
    sha.shop = repo.commit('add shop');
    repo.write('docs/guide.md', numbered('doc', 1, 5));
    sha.docs = repo.commit('more docs', { trailers: ['Co-authored-by: Copilot <copilot@github.com>'] });

    // The ledger marks the deploy of "add shop" failed: a ledger label for backtest.
    for (const event of ['started', 'failed']) {
      const result = await runCli([
        '--repo',
        repo.dir,
        'record',
        event,
        '--sha',
        sha.shop,
        '--at',
        event === 'started' ? '2026-01-06T10:00:00Z' : '2026-01-06T10:30:00Z',
        ...(event === 'failed' ? ['--reason', 'checkout broke'] : []),
      ]);
      expect(result.code, result.stderr).toBe(0);
    }

    // Coverage of the target's src/payments/pay.ts: lines 1-6 ran, 7-12 did not (untracked file).
    const da = Array.from({ length: 12 }, (_, i) => `DA:${i + 1},${i < 6 ? 1 : 0}`).join('\n');
    writeFileSync(join(repo.dir, 'pay.info'), `SF:src/payments/pay.ts\n${da}\nend_of_record\n`);

    out.backtest = await json(repo.dir, 'backtest');
    out.backtestRange = await json(repo.dir, 'backtest', `${sha.base}..HEAD`);
    out.calibrate = await json(repo.dir, 'calibrate');
    out.lineage = await json(repo.dir, 'lineage');
    out.lineageRange = await json(
      repo.dir,
      'lineage',
      `${sha.base}..HEAD`,
      '--coverage',
      join(repo.dir, 'pay.info'),
    );

    // Enough failures on both sides of the split for calibrate to fit.
    history = generateBacktestRepo({
      count: 200,
      seed: 7,
      policy: POLICY,
      traits: (random) => ({
        payments: random() < 0.3,
        ai: random() < 0.3,
        lines: 5 + Math.floor(random() * 40),
      }),
      failProbability: (t) => 0.05 + (t.payments ? 0.3 : 0),
    });
    out.calibrateFitted = await json(history.repo.dir, 'calibrate');
  });

  afterAll(() => {
    repo.cleanup();
    history.repo.cleanup();
  });

  const cases: Array<[string, Name]> = [
    ['backtest', 'backtest'],
    ['backtestRange', 'backtest'],
    ['calibrate', 'calibration'],
    ['calibrateFitted', 'calibration'],
    ['lineage', 'lineage'],
    ['lineageRange', 'lineage'],
  ];

  it.each(cases)('%s output matches docs/%s.schema.json', (key, name) => {
    expectValid(name, out[key]);
  });

  it.each(cases)('%s output has exactly the top-level keys docs/%s.schema.json requires', (key, name) => {
    const required = [...(schemas[name].required ?? [])].sort();
    expect(Object.keys(out[key] ?? {}).sort()).toEqual(required);
    expect(Object.keys(schemas[name].properties ?? {}).sort()).toEqual(required);
  });

  it('the outputs exercise the interesting cases (so the schemas are checked against them)', () => {
    const backtest = out.backtest as {
      changes: Array<{ sha: string; failedBy: string | null }>;
      changeCount: number;
      skipped: { reverts: number };
    };
    expect(backtest.changes).toHaveLength(backtest.changeCount);
    const labels = Object.fromEntries(backtest.changes.map((c) => [c.sha, c.failedBy]));
    expect(labels[sha.tweak ?? '']).toBe('revert');
    expect(labels[sha.shop ?? '']).toBe('ledger');
    expect(backtest.skipped.reverts).toBe(1);
    expect((out.backtestRange as { range: { from: string } }).range.from).toBe(sha.base);

    expect((out.calibrate as { problem: unknown }).problem).toEqual(expect.any(String));
    expect((out.calibrateFitted as { after: unknown }).after).toEqual(expect.any(Number));

    const lineage = out.lineageRange as {
      notes: { commits: number };
      commits: Array<{ sha: string; attribution: string }>;
      files: Array<{ attribution: string; lowRisk: boolean }>;
      totals: { coverage: unknown };
    };
    expect(lineage.notes.commits).toBe(1);
    const attribution = Object.fromEntries(lineage.commits.map((c) => [c.sha, c.attribution]));
    expect(attribution[sha.ai ?? '']).toBe('line');
    expect(attribution[sha.docs ?? '']).toBe('commit');
    expect(lineage.files.some((f) => f.lowRisk)).toBe(true);
    expect(lineage.totals.coverage).toEqual({ measured: 12, covered: 6 });
  });

  it('rejects broken backtest output', () => {
    const base = out.backtest as Record<string, unknown> & { changes: Array<Record<string, unknown>> };
    expectInvalid('backtest', { ...copy(base), auc: 'high' });
    expectInvalid('backtest', { ...copy(base), extra: 1 });
    const { changeCount: _dropped, ...missing } = copy(base);
    expectInvalid('backtest', missing);
    const badChange = copy(base);
    if (badChange.changes[0] !== undefined) badChange.changes[0].failedBy = 'ci';
    expectInvalid('backtest', badChange);
  });

  it('rejects broken calibration output', () => {
    const base = out.calibrateFitted as Record<string, unknown> & { weights: Record<string, unknown> };
    expectInvalid('calibration', { ...copy(base), after: 'high' });
    expectInvalid('calibration', { ...copy(base), before: 1.5 });
    const badWeights = copy(base);
    badWeights.weights.tests = 15;
    expectInvalid('calibration', badWeights);
    expectInvalid('calibration', { ...copy(base), schemaVersion: 'deployadvisor.calibration/2' });
  });

  it('rejects broken lineage output', () => {
    const base = out.lineageRange as Record<string, unknown> & {
      totals: Record<string, unknown>;
      commits: Array<Record<string, unknown>>;
    };
    const badShare = copy(base);
    badShare.totals.aiShare = 'high';
    expectInvalid('lineage', badShare);
    const badAttribution = copy(base);
    if (badAttribution.commits[0] !== undefined) badAttribution.commits[0].attribution = 'mixed';
    expectInvalid('lineage', badAttribution);
    const badCoverage = copy(base);
    badCoverage.totals.coverage = { measured: 1 };
    expectInvalid('lineage', badCoverage);
  });

  it.each(NAMES)(
    'docs/%s.schema.json: every property described, closed and required (but remedy)',
    (name) => {
      const nodes: Array<[string, SchemaNode]> = [];
      objectNodes(schemas[name], '', nodes);
      for (const [path, node] of nodes) {
        expect(node.additionalProperties, path).toBe(false);
        const keys = Object.keys(node.properties ?? {});
        expect([...(node.required ?? [])].sort(), path).toEqual(
          keys.filter((key) => key !== 'remedy').sort(),
        );
        for (const key of keys)
          expect(node.properties?.[key]?.description, `${path}.${key}`).toEqual(expect.any(String));
      }
    },
  );
});
