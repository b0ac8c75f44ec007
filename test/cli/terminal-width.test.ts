import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli, spawnCli } from '../helpers/run.js';
import { runOnTerminal, screenLines, SGR } from '../helpers/terminal.js';

const NOW = '2026-11-23T10:00:00Z';
const REASON =
  'error rate rose to 4% on the checkout service right after the deploy, see INC-2291 and the on-call notes';

/** The columns a transcript line takes (every character here is one column wide). */
const columns = (line: string) => Array.from(line).length;

describe('output that fits the terminal', () => {
  let repo: TestRepo;
  let head: string;
  beforeAll(async () => {
    if (!existsSync(join(import.meta.dirname, '../../dist/cli.cjs')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    if (spawnSync('script', ['--version']).status !== 0)
      throw new Error('util-linux `script` is needed to give the binary a pseudo-terminal.');
    repo = makeRepo();
    repo.git('config', 'user.name', 'Ada Lovelace');
    repo.git('config', 'user.email', 'ada@example.com');
    for (let i = 1; i <= 6; i++) {
      repo.writeLines(`src/payments/module-${i}.ts`, 40 * i);
      head = repo.commit(`payments: change ${i}`);
    }
    // Eleven records: numbers past #9 must not shift the columns.
    for (let day = 1; day <= 11; day++) {
      const event = day % 4 === 0 ? 'failed' : 'succeeded';
      const at = `2026-02-${String(day).padStart(2, '0')}T10:00:00Z`;
      const result = await runCli(['--repo', repo.dir, 'record', event, '--at', at, '--reason', REASON]);
      expect(result.code).toBe(0);
    }
  });
  afterAll(() => {
    repo.cleanup();
  });

  it.each([60, 100, 160])(
    'ledger list at %i columns: no line wider, long lines use the width, columns aligned',
    async (width) => {
      const result = await runOnTerminal(width, ['--repo', repo.dir, 'ledger', 'list']);
      expect(result.code).toBe(0);
      const lines = screenLines(result.output).filter((line) => line !== '');
      expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(width);
      // The reason does not fit even at 160: the longest lines are exactly as wide as a word-wrap allows.
      expect(Math.max(...lines.map(columns))).toBeGreaterThan(width - 20);
      const starts = lines.filter((line) => line.startsWith('#'));
      expect(starts).toHaveLength(11);
      const timeColumn = starts.map((line) => line.indexOf('2026-02-'));
      expect(new Set(timeColumn)).toEqual(new Set([5]));
      const typeColumn = starts.map((line) => line.search(/(?:succeeded|failed)\*/));
      expect(new Set(typeColumn)).toEqual(new Set([24]));
      // Continuation lines hang under the time column.
      const continued = lines.filter((line) => !line.startsWith('#') && !line.startsWith('*'));
      expect(continued.length).toBeGreaterThan(0);
      for (const line of continued) expect(line).toMatch(/^ {5}\S/);
    },
  );

  it.each([60, 100, 160])(
    'plan at %i columns: the factor table spans the width, no line is wider',
    async (width) => {
      const result = await runOnTerminal(width, [
        '--repo',
        repo.dir,
        'plan',
        '--now',
        NOW,
        '--fail-on',
        'never',
      ]);
      expect(result.code).toBe(0);
      const lines = screenLines(result.output);
      const top = lines.find((line) => line.startsWith('┌'));
      expect(top === undefined ? 0 : columns(top)).toBe(width);
      expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(width);
    },
  );

  it.each([60, 100, 160])('explain at %i columns wraps every line to the width', async (width) => {
    const result = await runOnTerminal(width, ['--repo', repo.dir, 'explain', head]);
    expect(result.code).toBe(0);
    const lines = screenLines(result.output);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(`reason: "${REASON}"`);
    expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(width);
    expect(Math.max(...lines.map(columns))).toBeGreaterThan(width - 25);
  });

  it('off a terminal the width is exactly 80, whatever COLUMNS says', async () => {
    const plan = await spawnCli(['--repo', repo.dir, 'plan', '--now', NOW, '--fail-on', 'never'], {
      env: { COLUMNS: '150' },
    });
    const top = plan.stdout.split('\n').find((line) => line.startsWith('┌'));
    expect(top === undefined ? 0 : columns(top)).toBe(80);
    const list = await spawnCli(['--repo', repo.dir, 'ledger', 'list'], { env: { COLUMNS: '150' } });
    const widest = Math.max(...list.stdout.split('\n').map(columns));
    expect(widest).toBeLessThanOrEqual(80);
    expect(widest).toBeGreaterThan(70);
  });

  it.each<[string, Record<string, string | undefined>, string[]]>([
    ['NO_COLOR=1', { NO_COLOR: '1' }, []],
    ['FORCE_COLOR=0', { NO_COLOR: undefined, FORCE_COLOR: '0' }, []],
    ['--no-color', { NO_COLOR: undefined }, ['--no-color']],
  ])('%s: no colour code anywhere, the spinner drawn without colour', async (_name, env, flags) => {
    const result = await runOnTerminal(
      80,
      [...flags, '--repo', repo.dir, 'plan', '--now', NOW, '--fail-on', 'never'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.output).toContain('Reading git history');
    expect(result.output).not.toMatch(SGR);
  });

  it('with colour allowed, the same run has colour codes (the check above can fail)', async () => {
    const result = await runOnTerminal(80, ['--repo', repo.dir, 'plan', '--now', NOW, '--fail-on', 'never'], {
      NO_COLOR: undefined,
    });
    expect(result.output).toMatch(SGR);
  });

  it.each([
    ['backtest', ['backtest'], 'Scoring the changes of HEAD'],
    ['calibrate', ['calibrate', '--now', NOW], 'Fitting the model'],
    [
      'insights',
      ['insights', '--now', NOW, '--since', '2026-01-01', '--offline'],
      'Reading the ledger and git history of production',
    ],
  ])('%s shows progress on a terminal and nothing when piped', async (_name, args, progress) => {
    const terminal = await runOnTerminal(80, ['--repo', repo.dir, ...args]);
    expect(terminal.code).toBe(0);
    expect(terminal.output).toContain(progress);
    const piped = await spawnCli(['--repo', repo.dir, ...args]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toContain(progress);
    expect(piped.stderr).toBe('');
  });
});
