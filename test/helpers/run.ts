import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { main } from '../../src/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no TTY, no colour). */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    isTTY: { stdout: false, stderr: false },
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  return { code, stdout, stderr };
}

/** `deployadvisor --repo <dir> --format json plan --now <fixed> ...args`, parsed. */
export async function runPlanJson(
  dir: string,
  args: string[] = [],
  options: { env?: Record<string, string> } = {},
): Promise<RunResult & { plan: import('../../src/assess/plan-types.js').Plan }> {
  const result = await runCli(
    ['--repo', dir, '--format', 'json', 'plan', '--now', '2026-11-23T10:00:00Z', ...args],
    options,
  );
  return { ...result, plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan };
}

/**
 * `deployadvisor --repo <dir> --format json plan --now <fixed> ...args` through the built binary
 * (bin/deployadvisor.js, needs `npm run build`), spawned in `dir` with a bare environment as a CI job would.
 * Asynchronous, so servers in the test process keep answering while it runs.
 */
export async function spawnPlanJson(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; plan: import('../../src/assess/plan-types.js').Plan }> {
  const bin = fileURLToPath(new URL('../../bin/deployadvisor.js', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../../dist/cli.js', import.meta.url))))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, '--repo', dir, '--format', 'json', 'plan', '--now', '2026-11-23T10:00:00Z', ...args],
      {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: dir, TZ: 'UTC', ...env },
      },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
  if (result.stdout === '') throw new Error(`no plan (exit ${result.code}): ${result.stderr}`);
  return {
    code: result.code,
    stderr: result.stderr,
    plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan,
  };
}
