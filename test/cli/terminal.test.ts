import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { BYTE_CAP, runOnTerminal } from '../helpers/terminal.js';

describe('progress on a real terminal', () => {
  let repo: TestRepo;
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '../../dist/cli.cjs')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    if (spawnSync('script', ['--version']).status !== 0)
      throw new Error('util-linux `script` is needed to give the binary a pseudo-terminal.');
    repo = makeRepo();
    repo.write('README.md', 'hello\n');
    repo.commit('initial');
  });
  afterAll(() => {
    repo.cleanup();
  });

  // 0 is what `stty cols 0` and some serial consoles report; ora divided by it and looped forever.
  it.each([0, 1, 80, 9999])(
    'a terminal %i columns wide gets the plan and a bounded output',
    async (columns) => {
      const result = await runOnTerminal(columns, [
        '--repo',
        repo.dir,
        'plan',
        '--now',
        '2026-11-23T10:00:00Z',
        '--fail-on',
        'block',
      ]);
      expect(result.killed).toBe(false);
      expect(result.bytes).toBeLessThan(BYTE_CAP);
      expect(result.code).toBe(0);
      expect(result.output).toContain('GO');
      // The terminal path is the one exercised: where the width is usable, the spinner drew.
      if (columns > 0) expect(result.output).toContain('Reading git history');
    },
  );
});
