import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextLink } from '../../src/collect/github-comment.js';
import { startGithubServer, type GithubServer } from '../helpers/github-server.js';
import { IN_FREEZE, OFF_PEAK, scenarioBase } from '../helpers/policy.js';
import type { TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/** `plan --comment` against a local server shaped after GitHub's issue-comment REST API. */

const TOKEN = 'ghs_s3cr3tT0kenThatMustNeverBePrinted0001';
const MARKER = '<!-- deployadvisor:plan env=production -->';

let repo: TestRepo;
let github: GithubServer;
let dir: string;
let event: string;

beforeAll(() => {
  repo = scenarioBase('da-comment-');
  repo.write('README.md', '# app\n\nHow to run it.\n');
  repo.commit('docs: explain setup');
  dir = mkdtempSync(join(tmpdir(), 'da-event-'));
  event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
});

afterAll(() => {
  repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  github = await startGithubServer({ token: TOKEN, owner: 'acme', repo: 'web' });
  // Other people's comments come first, so ours is found on a later page.
  for (const [id, body] of [
    [1, 'LGTM'],
    [2, 'mentions deployadvisor:plan in passing'],
    [3, 'nit: typo'],
  ] as const) {
    github.comments.push({ id, body, html_url: `x#${id}`, user: { login: 'rita', type: 'User' } });
  }
});

afterEach(async () => {
  await github.close();
});

function comment(now: string, env: Record<string, string> = {}) {
  return runCli(['--repo', repo.dir, 'plan', '--now', now, '--comment'], {
    env: {
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: TOKEN,
      ...env,
    },
  });
}

const ours = () => github.comments.filter((c) => c.body.startsWith(MARKER));

describe('plan --comment', () => {
  it('creates one comment, then updates it on the next run (never two), and never prints the token', async () => {
    const first = await comment(OFF_PEAK);
    expect(first.code).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.body).toContain('GO — deploy');
    expect(first.stderr).toContain('created the plan comment on pull request #7');
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);

    const second = await comment(IN_FREEZE);
    expect(second.code).toBe(4);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.body).toContain('BLOCK — deploy');
    expect(second.stderr).toContain('updated the plan comment on pull request #7');
    expect(github.requests.slice(3).map((r) => r.method)).toEqual(['GET', 'GET', 'PATCH']);
    expect(github.comments).toHaveLength(4);
    for (const out of [first, second]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('a 403 is a clear message: GO exits 2, BLOCK keeps 4; the token is not in it', async () => {
    github.failWith = { method: 'POST', status: 403, message: 'Resource not accessible by integration' };
    const go = await comment(OFF_PEAK);
    expect(go.code).toBe(2);
    expect(go.stderr).toContain('answered HTTP 403: Resource not accessible by integration');
    expect(go.stderr).toContain('pull-requests: write');
    const wait = await comment(IN_FREEZE);
    expect(wait.code).toBe(4);
    expect(wait.stderr).toContain('HTTP 403');
    for (const out of [go, wait]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(ours()).toHaveLength(0);
  });

  it('a 404 (wrong repository) and a refused token are clear messages with exit 2', async () => {
    const missing = await comment(OFF_PEAK, { GITHUB_REPOSITORY: 'acme/nope' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('HTTP 404');
    expect(missing.stderr).toContain('Check GITHUB_REPOSITORY');
    const refused = await comment(OFF_PEAK, { GITHUB_TOKEN: 'ghs_wrongwrongwrongwrongwrongwrong0000' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('HTTP 401');
    expect(refused.stdout + refused.stderr).not.toMatch(/ghs_wrong/);
  });

  it('a Link header pointing at another host is not followed with the token', async () => {
    github.linkOverride = '<http://127.0.0.2:9/steal?page=2>; rel="next"';
    const result = await comment(OFF_PEAK);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the next page is on another host');
    expect(github.requests).toHaveLength(1);
  });

  it('set-up mistakes name the variable; a job that is not a pull request posts nothing', async () => {
    const noToken = await comment(OFF_PEAK, { GITHUB_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('GitHub token in the environment variable GITHUB_TOKEN');
    const badSlug = await comment(OFF_PEAK, { GITHUB_REPOSITORY: 'acme' });
    expect(badSlug.code).toBe(2);
    expect(badSlug.stderr).toContain('GITHUB_REPOSITORY="acme" is not owner/name');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{not json');
    const badEvent = await comment(OFF_PEAK, { GITHUB_EVENT_PATH: broken });
    expect(badEvent.code).toBe(2);
    expect(badEvent.stderr).toContain('is not JSON');
    const push = join(dir, 'push.json');
    writeFileSync(push, JSON.stringify({ ref: 'refs/heads/main' }));
    const notPr = await comment(OFF_PEAK, { GITHUB_EVENT_PATH: push, GITHUB_EVENT_NAME: 'push' });
    expect(notPr.code).toBe(0);
    expect(notPr.stderr).toContain('no comment, the push event is not about a pull request');
    expect(github.requests).toHaveLength(0);
  });
});

describe('nextLink', () => {
  it.each([
    [
      '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"',
      'https://api.github.com/x?page=2',
    ],
    ['<https://api.github.com/x?page=1>; rel="prev"', null],
    [undefined, null],
    ['garbage', null],
  ])('%s', (header, expected) => {
    expect(nextLink(header)).toBe(expected);
  });
});
