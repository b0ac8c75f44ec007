import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

/**
 * The GitHub Action (action.yml at the repository root), its `runs:` steps executed locally as the
 * runner would: inputs as INPUT_* and env variables, `${{ }}` expressions substituted, a temp
 * GITHUB_OUTPUT file read back for the outputs. `uses:` steps (actions/setup-node) are the runner's.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

/** `${{ inputs.x }}`, `${{ github.action_path }}`, `${{ github.token }}`: all action.yml uses. */
function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.action_path') return ROOT.replace(/\/$/, '');
    if (expression === 'github.token') return 'ghs_jobtoken';
    const input = /^inputs\.([\w-]+)$/.exec(expression);
    if (input?.[1] !== undefined) {
      const name = input[1];
      return inputs[name] ?? expand(action.inputs[name]?.default ?? '', inputs);
    }
    throw new Error(`unexpected expression ${expression}`);
  });
}

const temps: string[] = [];

/** Runs the composite action's run steps in `repo`; returns the last step's exit code and the outputs. */
function runAction(repo: string, inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'da-action-'));
  const outputFile = join(dir, 'output');
  writeFileSync(outputFile, '');
  let code: number | null = 0;
  let stdout = '';
  let stderr = '';
  for (const step of action.runs.steps) {
    if (step.run === undefined) continue;
    // The one condition action.yml uses: inputs.plan != 'false'.
    if (step.if !== undefined && expand(`\${{ ${step.if.replace(" != 'false'", '')} }}`, inputs) === 'false')
      continue;
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, expand(value, inputs)]),
    );
    const result = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run, inputs)],
      {
        cwd: step['working-directory'] === undefined ? repo : expand(step['working-directory'], inputs),
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          NO_COLOR: '1',
          TZ: 'UTC',
          GITHUB_ACTIONS: 'true',
          GITHUB_OUTPUT: outputFile,
          GITHUB_PATH: join(dir, 'path'),
          RUNNER_TEMP: dir,
          GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
          GITHUB_WORKSPACE: repo,
          ...env,
        },
      },
    );
    code = result.status;
    stdout += result.stdout;
    stderr += result.stderr;
    if (code !== 0) break;
  }
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const path = existsSync(join(dir, 'path')) ? readFileSync(join(dir, 'path'), 'utf8') : '';
  const summary = existsSync(join(dir, 'summary.md')) ? readFileSync(join(dir, 'summary.md'), 'utf8') : '';
  temps.push(dir);
  return { code, outputs, stdout, stderr, summary, path };
}

let go: TestRepo;
let frozen: TestRepo;

beforeAll(() => {
  // The action runs at the real clock time: the policies make the verdict the same at any hour.
  go = makeRepo('da-action-go-');
  go.writeLines('docs/guide.md', 10);
  go.commit('initial');
  go.writeLines('docs/guide.md', 20);
  go.commit('docs: more');
  frozen = makeRepo('da-action-frozen-');
  frozen.write(
    '.deployadvisor.yml',
    'version: 1\ntimezone: UTC\nwindows:\n  freezes: [{ name: forever, from: 2000-01-01, to: 2099-12-31, level: block, reason: "Frozen" }]\n',
  );
  frozen.writeLines('src/app.ts', 10);
  frozen.commit('initial');
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  go.cleanup();
  frozen.cleanup();
});

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs, and sets up Node first', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining([
        'env',
        'fail-on',
        'policy-ref',
        'coverage',
        'record',
        'comment',
        'github-token',
      ]),
    );
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'plan-id', 'score', 'verdict']);
    expect(action.runs.steps[0]?.uses).toMatch(/^actions\/setup-node@v\d+$/);
    // No input is spliced into a script's text (script injection): only into env.
    for (const step of action.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('GO with record: the outputs are the verdict, score, exit code and the ledger id of the plan', () => {
    const { code, outputs, summary } = runAction(go.dir, { record: 'true' });
    expect(code).toBe(0);
    expect(outputs.verdict).toBe('GO');
    expect(outputs['exit-code']).toBe('0');
    expect(Number(outputs.score)).toBeGreaterThanOrEqual(0);
    const ids = go.git('for-each-ref', '--format=%(refname)', 'refs/deployadvisor/');
    expect(ids).toContain('refs/deployadvisor/ledger');
    const records = JSON.parse(
      spawnSync(
        process.execPath,
        [join(ROOT, 'bin/deployadvisor.js'), '--repo', go.dir, '--format', 'json', 'ledger', 'list'],
        {
          encoding: 'utf8',
        },
      ).stdout,
    ) as Array<{ id: string; type: string }>;
    expect(records.map((r) => r.type)).toEqual(['plan']);
    expect(outputs['plan-id']).toBe(records[0]?.id);
    expect(summary).toContain('GO — deploy');
  });

  it('BLOCK fails the step with exit 4; fail-on never lets it pass with the verdict still in the outputs', () => {
    const blocked = runAction(frozen.dir, {});
    expect(blocked.code).toBe(4);
    expect(blocked.outputs).toMatchObject({ verdict: 'BLOCK', 'exit-code': '4', 'plan-id': '' });
    const never = runAction(frozen.dir, { 'fail-on': 'never' });
    expect(never.code).toBe(0);
    expect(never.outputs).toMatchObject({ verdict: 'BLOCK', 'exit-code': '0' });
  });

  it('plan: false only installs: deployadvisor on the PATH of later steps, no plan, no outputs', () => {
    const { code, outputs, path } = runAction(go.dir, { plan: 'false' });
    expect(code).toBe(0);
    expect(outputs).toEqual({});
    expect(path).toMatch(/deployadvisor-bin\n$/);
    const version = spawnSync('deployadvisor', ['--version'], {
      encoding: 'utf8',
      env: { PATH: `${path.trim()}:${process.env.PATH ?? ''}` },
    });
    expect(version.status).toBe(0);
  });

  it('hostile inputs stay data: a shell command in env, a bad fail-on, odd coverage paths', () => {
    const marker = join(go.dir, 'pwned');
    const injected = runAction(go.dir, { env: `production$(touch ${marker}); touch ${marker}` });
    expect(existsSync(marker)).toBe(false);
    expect(injected.code).toBe(2);
    expect(injected.outputs['exit-code']).toBe('2');
    expect(injected.stderr).toContain('production$(touch');

    const badFailOn = runAction(go.dir, { 'fail-on': 'sometimes' });
    expect(badFailOn.code).toBe(2);
    expect(badFailOn.outputs['exit-code']).toBe('2');
    expect(badFailOn.stderr).toContain('sometimes');

    const coverage = runAction(go.dir, { coverage: 'no such.lcov\n$(touch pwned).info' });
    expect(existsSync(marker)).toBe(false);
    expect(coverage.code).toBe(2);
    expect(coverage.stderr).toContain('--coverage no: no such report file');
  });
});
