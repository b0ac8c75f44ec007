import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no TTY, no colour). */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; dispatcher?: Dispatcher; clock?: Io['clock'] } = {},
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
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { code, stdout, stderr };
}

/** The instant plans are evaluated at unless a test says otherwise. */
export const PLAN_NOW = '2026-11-23T10:00:00Z';

/**
 * `deployadvisor --repo <dir> --format json plan --now <now> ...args` in-process, parsed; no plan on
 * stdout fails with the exit code and stderr.
 */
export async function runPlanJson(
  dir: string,
  args: string[] = [],
  options: { env?: Record<string, string>; dispatcher?: Dispatcher; now?: string } = {},
): Promise<RunResult & { plan: import('../../src/assess/plan-types.js').Plan }> {
  const { now = PLAN_NOW, ...run } = options;
  const result = await runCli(['--repo', dir, '--format', 'json', 'plan', '--now', now, ...args], run);
  if (result.stdout === '') throw new Error(`no plan (exit ${result.code}): ${result.stderr}`);
  return { ...result, plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan };
}

/** The built binary (bin/deployadvisor.js; `npm run build` makes dist/, `npm test` builds first). */
export const BIN = fileURLToPath(new URL('../../bin/deployadvisor.js', import.meta.url));

export interface SpawnOptions {
  /** Working directory, also HOME (default /tmp). */
  cwd?: string;
  /** Added to the bare environment. */
  env?: Record<string, string>;
}

/** The bare environment of a CI job: PATH, NO_COLOR, HOME and TZ=UTC, then `extra`. */
function bareEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: home, TZ: 'UTC', ...extra };
}

function checkBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url))))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}

/**
 * Spawns the built binary with a bare environment, as a CI job would, and waits for it. Asynchronous,
 * so servers in the test process keep answering while it runs.
 */
export async function spawnCli(
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  checkBuilt();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: bareEnv(options.cwd ?? '/tmp', options.env),
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
}

/** spawnCli for synchronous tests (nothing in the test process needs to answer meanwhile). */
export function spawnCliSync(
  args: readonly string[],
  options: SpawnOptions = {},
): { code: number | null; stdout: string; stderr: string } {
  checkBuilt();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: bareEnv(options.cwd ?? '/tmp', options.env),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `deployadvisor --repo <dir> --format json plan --now <fixed> ...args` through the built binary,
 * spawned in `dir` (see spawnCli).
 */
export async function spawnPlanJson(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; plan: import('../../src/assess/plan-types.js').Plan }> {
  const result = await spawnCli(
    ['--repo', dir, '--format', 'json', 'plan', '--now', '2026-11-23T10:00:00Z', ...args],
    { cwd: dir, env },
  );
  if (result.stdout === '') throw new Error(`no plan (exit ${result.code}): ${result.stderr}`);
  return {
    code: result.code,
    stderr: result.stderr,
    plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan,
  };
}
