import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const BIN = join(import.meta.dirname, '../../bin/deployadvisor.js');
/** More than a plan and its spinner frames ever write; the bug wrote gigabytes. */
const BYTE_CAP = 1_000_000;

/**
 * Runs the built binary under a real pseudo-terminal (util-linux `script`) whose width is set with
 * `stty cols`, so stderr is a TTY and the progress spinner draws. Killed past BYTE_CAP bytes or 20 s.
 */
function runOnTerminal(columns: number, args: string[]) {
  const command = `stty cols ${columns} rows 24; exec '${process.execPath}' '${BIN}' ${args.join(' ')}`;
  return new Promise<{ code: number | null; bytes: number; output: string; killed: boolean }>(
    (resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // No CI variable: ora draws nothing when it sees one.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm', NO_COLOR: '1', TZ: 'UTC' },
      });
      let bytes = 0;
      let output = '';
      let killed = false;
      const kill = () => {
        killed = true;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(kill, 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (output.length < BYTE_CAP) output += chunk.toString('utf8');
        if (bytes > BYTE_CAP) kill();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, bytes, output, killed });
      });
    },
  );
}

describe('progress on a real terminal', () => {
  let repo: TestRepo;
  beforeAll(() => {
    if (!existsSync(join(import.meta.dirname, '../../dist/cli.js')))
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
