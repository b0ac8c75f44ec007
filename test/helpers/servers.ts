import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real Prometheus and Alertmanager (Debian packages) on 127.0.0.1, each in a temp dir, started once
 * per test file. In CI they must be installed (.ci/run installs them); elsewhere tests skip without them.
 */

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export function liveServersAvailable(): boolean {
  const present = existsSync(PROMETHEUS_BIN) && existsSync(ALERTMANAGER_BIN);
  if (!present && process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    throw new Error(
      `CI must install prometheus and prometheus-alertmanager (${PROMETHEUS_BIN}, ${ALERTMANAGER_BIN}); see .ci/run.`,
    );
  }
  return present;
}

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface LiveServer {
  url: string;
  /** The server process, for tests that freeze it (SIGSTOP) to simulate a hung server. */
  pid: number | undefined;
  stop(): Promise<void>;
  log(): string;
}

async function waitFor(
  what: string,
  child: ChildProcess,
  output: () => string,
  check: () => Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready after ${ms} ms:\n${output()}`);
}

async function start(
  what: string,
  bin: string,
  args: (dir: string, port: number) => string[],
  setup: (dir: string) => void,
  ready: (url: string) => Promise<boolean>,
): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), `da-${what}-`));
  setup(dir);
  const port = await freePort();
  const child = spawn(bin, args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      what,
      child,
      () => output,
      () => ready(url),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid, stop, log: () => output };
}

/** Prometheus scraping `targets` (host:port) every second. */
export function startPrometheus(targets: string[]): Promise<LiveServer> {
  return start(
    'prometheus',
    PROMETHEUS_BIN,
    (dir, port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    (dir) => {
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ${JSON.stringify(targets)} }]\n`,
      );
    },
    async (url) => (await fetch(`${url}/-/ready`)).ok,
  );
}

export const PROMTOOL_BIN = '/usr/bin/promtool';

/**
 * Prometheus that scrapes nothing, its TSDB backfilled from `openmetrics` (text in the OpenMetrics
 * format, `# EOF` last) with `promtool tsdb create-blocks-from openmetrics` before it starts: every
 * sample is there at once, so no test waits for a scrape. Retention is long, so old samples stay.
 */
export function startPrometheusWithData(openmetrics: string): Promise<LiveServer> {
  return start(
    'prometheus',
    PROMETHEUS_BIN,
    (dir, port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    (dir) => {
      writeFileSync(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 1h }\n');
      writeFileSync(join(dir, 'series.om'), openmetrics);
      execFileSync(
        PROMTOOL_BIN,
        ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'series.om'), join(dir, 'data')],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    },
    async (url) => (await fetch(`${url}/-/ready`)).ok,
  );
}

export function startAlertmanager(): Promise<LiveServer> {
  return start(
    'alertmanager',
    ALERTMANAGER_BIN,
    (dir, port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No cluster: it would bind 0.0.0.0:9094.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    (dir) => {
      writeFileSync(
        join(dir, 'alertmanager.yml'),
        "route: { receiver: 'null' }\nreceivers: [{ name: 'null' }]\n",
      );
    },
    async (url) => (await fetch(`${url}/-/ready`)).ok,
  );
}

/** Polls until `check` holds (Prometheus needs a scrape or two before a query has data). */
export async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
