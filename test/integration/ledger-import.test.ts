import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../src/app/ledger-import.js';
import type { LedgerRecord } from '../../src/ledger/record.js';
import { startForge, type ForgeServer, type Reply } from '../helpers/forge.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/**
 * `ledger import` from a temp repo's tags and from local servers shaped after GitHub's REST API
 * (deployments, statuses, releases; Link pagination) and GitLab's (deployments; x-next-page), each
 * import run twice; then insights counts what was imported.
 */

const TOKEN = 'ghp_importTokenForTests0123456789abcd';
const GL_TOKEN = 'glpat-importTokenForTests0123456';
const POLICY = `version: 1
timezone: UTC
environments:
  production: {}
  staging: {}
  canary: {}
  review: {}
`;

let repo: TestRepo;
let github: ForgeServer;
let gitlab: ForgeServer;
let elsewhere: ForgeServer;
const sha: string[] = [];

function tagAnnotated(name: string, target: string, date: string): void {
  execFileSync('git', ['tag', '-a', name, '-m', name, target], {
    cwd: repo.dir,
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_COMMITTER_DATE: date,
    },
  });
}

const page = (body: unknown, next?: string): Reply => ({
  body,
  ...(next === undefined ? {} : { headers: { link: `<${next}>; rel="next", <${next}>; rel="last"` } }),
});

function githubRoute(url: string, origin: string): Reply | null {
  const u = new URL(url, origin);
  const at = (day: string) => `2026-03-${day}Z`;
  if (u.pathname === '/repos/acme/web/deployments') {
    if (u.searchParams.get('environment') !== 'staging') return page([]);
    if (u.searchParams.get('page') === '2')
      return page([
        { id: 103, sha: sha[3], environment: 'staging', created_at: at('05T09:00:00') },
        { id: 104, sha: 'zzz; rm -rf /', environment: 'staging', created_at: at('05T09:00:00') },
        { id: 105, sha: sha[3], environment: 'qa', created_at: at('05T09:00:00') },
      ]);
    return page(
      [
        { id: 101, sha: sha[1], environment: 'staging', created_at: at('03T11:50:00') },
        { id: 102, sha: sha[2], environment: 'staging', created_at: at('04T11:50:00') },
      ],
      `${origin}/repos/acme/web/deployments?environment=staging&per_page=100&page=2`,
    );
  }
  const statuses: Record<string, unknown[]> = {
    '101': [
      { id: 3, state: 'inactive', created_at: at('06T10:00:00') },
      { id: 2, state: 'success', created_at: at('03T12:00:00') },
      { id: 1, state: 'in_progress', created_at: at('03T11:55:00') },
    ],
    '102': [{ id: 5, state: 'failure', created_at: at('04T12:00:00'), description: 'smoke tests failed' }],
    '103': [{ id: 7, state: 'in_progress', created_at: at('05T09:01:00') }],
    '104': [{ id: 8, state: 'success', created_at: at('05T09:02:00') }],
  };
  const status = /^\/repos\/acme\/web\/deployments\/(\d+)\/statuses$/.exec(u.pathname);
  if (status !== null) return page(statuses[status[1] ?? ''] ?? []);
  if (u.pathname === '/repos/acme/web/releases') {
    if (u.searchParams.get('page') === '2')
      return page([
        { id: 13, tag_name: 'v1.1~1', draft: false, prerelease: false, published_at: at('03T19:00:00') },
        { id: 14, tag_name: 'v3.0', draft: false, prerelease: false, published_at: at('05T19:00:00') },
        { id: 15, tag_name: 'v2.0', draft: false, prerelease: false, published_at: at('04T18:00:00') },
      ]);
    return page(
      [
        { id: 11, tag_name: 'v1.1', draft: false, prerelease: false, published_at: at('03T18:00:00') },
        { id: 12, tag_name: 'v2.0', draft: true, prerelease: false, published_at: null },
      ],
      `${origin}/repos/acme/web/releases?per_page=100&page=2`,
    );
  }
  // Hostile shapes for the error tests.
  if (u.pathname === '/repos/acme/away/releases') return page([], `${elsewhere.url}/repos/acme/web/releases`);
  if (u.pathname === '/repos/acme/moved/releases')
    return { status: 302, body: {}, headers: { location: `${elsewhere.url}/repos/acme/web/releases` } };
  if (u.pathname === '/repos/acme/loop/releases')
    return page(
      [{ id: 21, tag_name: 'v1.0', published_at: at('02T12:00:00') }],
      `${origin}/repos/acme/loop/releases`,
    );
  if (u.pathname === '/repos/acme/odd/releases') return page({ releases: [] });
  return null;
}

function gitlabRoute(url: string, origin: string): Reply | null {
  const u = new URL(url, origin);
  if (u.pathname !== '/api/v4/projects/acme%2Fweb/deployments') return null;
  const env = { name: 'review' };
  if (u.searchParams.get('page') === '2')
    return {
      body: [
        {
          id: 203,
          status: 'failed',
          sha: sha[1],
          created_at: '2026-03-03T12:40:00Z',
          finished_at: '2026-03-03T13:00:00Z',
          environment: env,
        },
        { id: 204, status: 'running', sha: sha[2], created_at: '2026-03-04T12:40:00Z', environment: env },
      ],
      headers: { 'x-next-page': '' },
    };
  return {
    body: [
      {
        id: 201,
        status: 'success',
        sha: sha[0],
        created_at: '2026-03-02T11:40:00Z',
        finished_at: '2026-03-02T12:00:00Z',
        environment: env,
      },
      { id: 202, status: 'canceled', sha: sha[1], created_at: '2026-03-03T11:40:00Z', environment: env },
    ],
    headers: { 'x-next-page': '2', 'x-total-pages': '2' },
  };
}

const ENV = { GH_IMPORT_TOKEN: TOKEN, GL_IMPORT_TOKEN: GL_TOKEN };

async function importJson(args: string[]): Promise<{ code: number; result: ImportResult; stderr: string }> {
  const run = await runCli(['--repo', repo.dir, '--format', 'json', 'ledger', 'import', ...args], {
    env: ENV,
  });
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(run.stdout + run.stderr).not.toContain(GL_TOKEN);
  if (run.stdout === '') throw new Error(`no result (exit ${run.code}): ${run.stderr}`);
  return { code: run.code, result: JSON.parse(run.stdout) as ImportResult, stderr: run.stderr };
}

async function records(): Promise<LedgerRecord[]> {
  const run = await runCli(['--repo', repo.dir, '--format', 'json', 'ledger', 'list']);
  return JSON.parse(run.stdout) as LedgerRecord[];
}

async function insightsOf(env: string): Promise<{ deploys: number; failed: number }> {
  const run = await runCli([
    '--repo',
    repo.dir,
    '--format',
    'json',
    'insights',
    '--env',
    env,
    '--since',
    '2026-02-01',
    '--now',
    '2026-04-01T00:00:00Z',
    '--offline',
  ]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { deploys: number; failed: number };
}

beforeAll(async () => {
  repo = makeRepo('da-import-');
  repo.write('.deployadvisor.yml', POLICY);
  for (const [i, day] of ['02', '03', '04', '05'].entries()) {
    repo.write(`src/file${i}.ts`, `export const v = ${i};\n`);
    sha.push(repo.commit(`change ${i}`, { date: `2026-03-${day}T10:00:00Z` }));
  }
  repo.git('tag', 'v1.0', sha[0] ?? '');
  tagAnnotated('v1.1', sha[1] ?? '', '2026-03-03T15:00:00Z');
  tagAnnotated('v2.0', sha[2] ?? '', '2026-03-04T16:00:00Z');
  repo.git('tag', 'other-1', sha[3] ?? '');
  repo.git('tag', 'v9-tree', `${sha[3] ?? ''}^{tree}`);
  github = await startForge(githubRoute);
  gitlab = await startForge(gitlabRoute);
  elsewhere = await startForge(() => ({ body: [] }));
});

afterAll(async () => {
  await Promise.all([github.close(), gitlab.close(), elsewhere.close()]);
  repo.cleanup();
});

describe('ledger import', () => {
  it('imports tags matching the pattern at the tag date, once', async () => {
    const dry = await importJson(['--env', 'production', '--tags', 'v*', '--dry-run']);
    expect(dry.result.added).toHaveLength(3);
    expect(await records()).toEqual([]);
    const first = await importJson(['--env', 'production', '--tags', 'v*']);
    expect(first.code).toBe(0);
    expect(first.result.added.map((r) => [r.imported?.id, r.type, r.sha, r.at])).toEqual([
      ['v1.0', 'succeeded', sha[0], '2026-03-02T10:00:00Z'],
      ['v1.1', 'succeeded', sha[1], '2026-03-03T15:00:00Z'],
      ['v2.0', 'succeeded', sha[2], '2026-03-04T16:00:00Z'],
    ]);
    // Each deploy's base is the one before it.
    expect(first.result.added.map((r) => r.base)).toEqual([null, sha[0], sha[1]]);
    expect(first.result.skipped).toEqual([{ source: 'tag', id: 'v9-tree', why: 'does not tag a commit' }]);
    const second = await importJson(['--env', 'production', '--tags', 'v*']);
    expect(second.result.added).toEqual([]);
    expect(second.result.already).toBe(3);
    const production = (await records()).filter((r) => r.env === 'production');
    expect(production).toHaveLength(3);
    expect(production.every((r) => r.imported?.source === 'tag' && r.backfilled)).toBe(true);
    expect(await insightsOf('production')).toMatchObject({ deploys: 3, failed: 0 });
  });

  it('imports GitHub deployments by their final status, across pages, with the token only to GitHub', async () => {
    const args = [
      '--env',
      'staging',
      '--github-deployments',
      '--forge-repo',
      'acme/web',
      '--api-url',
      github.url,
      '--token-env',
      'GH_IMPORT_TOKEN',
    ];
    const first = await importJson(args);
    expect(first.result.added.map((r) => [r.imported?.id, r.type, r.sha, r.at, r.reason])).toEqual([
      ['101', 'succeeded', sha[1], '2026-03-03T12:00:00Z', null],
      [
        '102',
        'failed',
        sha[2],
        '2026-03-04T12:00:00Z',
        'GitHub deployment 102: failure (smoke tests failed)',
      ],
    ]);
    expect(first.result.skipped.map((s) => s.id).sort()).toEqual(['103', '104']);
    expect((await importJson(args)).result).toMatchObject({ added: [], already: 2 });
    expect(github.seen.some((r) => r.url.includes('page=2'))).toBe(true);
    expect(github.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(await insightsOf('staging')).toMatchObject({ deploys: 2, failed: 1 });
  });

  it('imports published GitHub releases through the local tags', async () => {
    const args = [
      '--env',
      'canary',
      '--github-releases',
      '--forge-repo',
      'acme/web',
      '--api-url',
      github.url,
    ];
    const first = await importJson(args);
    expect(first.result.added.map((r) => [r.imported?.id, r.sha, r.at])).toEqual([
      ['11', sha[1], '2026-03-03T18:00:00Z'],
      ['15', sha[2], '2026-03-04T18:00:00Z'],
    ]);
    expect(first.result.skipped.map((s) => s.id).sort()).toEqual(['12', '13', '14']);
    expect((await importJson(args)).result).toMatchObject({ added: [], already: 2 });
    expect(await insightsOf('canary')).toMatchObject({ deploys: 2, failed: 0 });
  });

  it('imports GitLab deployments across x-next-page pages, with PRIVATE-TOKEN', async () => {
    const args = [
      '--env',
      'review',
      '--gitlab-deployments',
      '--forge-repo',
      'acme/web',
      '--api-url',
      gitlab.url,
      '--token-env',
      'GL_IMPORT_TOKEN',
    ];
    const first = await importJson(args);
    expect(first.result.added.map((r) => [r.imported?.id, r.type, r.sha, r.at])).toEqual([
      ['201', 'succeeded', sha[0], '2026-03-02T12:00:00Z'],
      ['203', 'failed', sha[1], '2026-03-03T13:00:00Z'],
    ]);
    expect(first.result.skipped.map((s) => s.id).sort()).toEqual(['202', '204']);
    expect((await importJson(args)).result).toMatchObject({ added: [], already: 2 });
    expect(gitlab.seen.every((r) => r.privateToken === GL_TOKEN && r.authorization === undefined)).toBe(true);
    expect(await insightsOf('review')).toMatchObject({ deploys: 2, failed: 1 });
  });

  it('refuses hostile forge answers with exit 2, appends nothing, and never sends the token elsewhere', async () => {
    const before = (await records()).length;
    const attempts: Array<[string, RegExp]> = [
      ['acme/away', /next-page link to another host/],
      ['acme/odd', /unexpected shape/],
    ];
    for (const [forgeRepo, message] of attempts) {
      const run = await runCli(
        [
          '--repo',
          repo.dir,
          'ledger',
          'import',
          '--env',
          'canary',
          '--github-releases',
          '--forge-repo',
          forgeRepo,
          '--api-url',
          github.url,
          '--token-env',
          'GH_IMPORT_TOKEN',
        ],
        { env: ENV },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('Nothing was imported');
      expect(run.stderr + run.stdout).not.toContain(TOKEN);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    // A redirect to another host is followed without the credential.
    const moved = await importJson([
      '--env',
      'canary',
      '--github-releases',
      '--forge-repo',
      'acme/moved',
      '--api-url',
      github.url,
      '--token-env',
      'GH_IMPORT_TOKEN',
    ]);
    expect(moved.result.added).toEqual([]);
    const loop = await importJson([
      '--env',
      'canary',
      '--github-releases',
      '--forge-repo',
      'acme/loop',
      '--api-url',
      github.url,
    ]);
    // A next link back to a page already read ends the listing; the item it listed twice is imported once.
    expect(loop.result.read).toEqual([{ label: 'GitHub releases (acme/loop)', found: 2 }]);
    expect(loop.result.added.map((r) => r.imported?.id)).toEqual(['21']);
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen.every((r) => r.authorization === undefined && r.privateToken === undefined)).toBe(
      true,
    );
    expect((await records()).length).toBe(before + loop.result.added.length);
  });

  it('names what is wrong with the request itself (exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--env', 'production'], /needs at least one of --tags/],
      [['--env', 'production', '--github-deployments'], /needs the repository \(owner\/name\)/],
      [
        ['--env', 'production', '--github-deployments', '--forge-repo', 'a/b', '--token-env', 'NOPE_UNSET'],
        /NOPE_UNSET \(the token\) is not set/,
      ],
      [
        [
          '--env',
          'production',
          '--github-releases',
          '--forge-repo',
          'a/b',
          '--api-url',
          'file:///etc/passwd',
        ],
        /--api-url file:\/\/\/etc\/passwd: expected an http/,
      ],
      [
        ['--env', 'production', '--github-releases', '--forge-repo', 'a/b', '--token-env', 'BAD-NAME'],
        /expected the NAME of an environment variable/,
      ],
      [['--env', 'prodution', '--tags', 'v*'], /no such environment/],
      [['--env', 'production', '--tags', ' '], /expected a tag name or glob/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['--repo', repo.dir, 'ledger', 'import', ...args], { env: ENV });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
