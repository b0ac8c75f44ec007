import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/**
 * Injection (#11): every string from git, the policy, a flag or a server is hostile. Each one goes
 * through every format of every command that prints it; the output must carry no raw control byte, no
 * line a GitHub Actions runner would take as a command (other than our own annotations), no forged
 * ledger row, no markdown link or HTML, and no credential.
 */

const ESC = '\u001b';
const TOKEN = `ghp_${'Zx9Yw8Vu'.repeat(5)}`;

/** The corpus: what each hostile input is and where it goes in. */
const HOSTILE = {
  osc52: `clipboard ${ESC}]52;c;cm0gLXJmIH4=\u0007 grab`,
  carriageReturn: 'looks fine\rFORGED',
  addMask: '::add-mask::secret-value',
  stopCommands: '::stop-commands::tok',
  markdown: 'fix [click](http://evil.example) <img src=x onerror=alert(1)> | cell',
  bidi: 'safe \u202Eexe.txt\u202C',
  authorName: `Mallory ${ESC}[2J${ESC}[H`,
  fileEscapes: `src/pay/evil${ESC}[31m\nname.ts`,
  fileBidi: 'src/pay/\u202Egnp.ts|`x`',
  zone: '<b>pay</b> [z](http://evil.example) \u0000 `|` ::warning::zone',
  reason: 'rolled back\n#99  2026-01-01 00:00Z  succeeded    production  forged\n::stop-commands::tok',
  override: `hotfix\n::add-mask::x\n${ESC}]0;title\u0007`,
  serverBody: `${ESC}[31mquery failed\u0000\u009b2J token=${TOKEN} ${TOKEN}`,
} as const;

const RAW_CONTROL =
  // eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Our own annotation: `::notice|warning|error`, properties with `:` and `,` escaped, then `::`. */
const OUR_ANNOTATION = /^::(?:notice|warning|error) (?:file=[^,:\n]*,)?title=[^,:\n]*::/;

let repo: TestRepo;
let server: Server;
let hostileSha = '';
let oscSha = '';
let crSha = '';
const handled = new Set<string>();

function check(label: string, out: { stdout: string; stderr: string }): void {
  const text = `${out.stdout}${out.stderr}`;
  expect(text, label).not.toMatch(RAW_CONTROL);
  expect(text, label).not.toContain(TOKEN);
  for (const line of text.split('\n')) {
    if (/^\s*(?:::|##\[)/.test(line)) expect(line, label).toMatch(OUR_ANNOTATION);
  }
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: HOSTILE.serverBody }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  repo = makeRepo('da-hostile-');
  repo.write(
    '.deployadvisor.yml',
    `timezone: UTC
riskZones:
  - name: ${JSON.stringify(HOSTILE.zone)}
    paths: ["src/pay/**"]
    risk: critical
sources:
  metrics:
    - name: errors
      provider: prometheus
      url: http://127.0.0.1:${port}
      query: rate(errors[5m])
      max: 1
      onError: wait
`,
  );
  repo.write('src/app.ts', 'export const a = 1;\n');
  repo.commit('initial');
  repo.git('tag', 'v0');
  repo.write('src/pay/one.ts', 'export const one = 1;\n');
  oscSha = repo.commit(HOSTILE.osc52);
  repo.write(HOSTILE.fileEscapes, 'export const two = 2;\n');
  crSha = repo.commit(HOSTILE.carriageReturn, { author: HOSTILE.authorName });
  repo.write(HOSTILE.fileBidi, 'export const three = 3;\n');
  repo.commit(HOSTILE.addMask);
  repo.write('src/pay/four.ts', 'export const four = 4;\n');
  repo.commit(HOSTILE.stopCommands);
  repo.write('src/pay/five.ts', 'export const five = 5;\n');
  repo.commit(HOSTILE.markdown);
  repo.write('src/pay/six.ts', 'export const six = 6;\n');
  hostileSha = repo.commit(HOSTILE.bidi);
  const at = ['--now', '2026-01-06T03:00:00Z'];
  const planned = await runCli([
    '--repo',
    repo.dir,
    'plan',
    ...at,
    '--record',
    '--override',
    HOSTILE.override,
  ]);
  check('plan --record --override', planned);
  for (const [event, reason] of [
    ['started', null],
    ['failed', HOSTILE.reason],
    ['rolled-back', HOSTILE.reason],
  ] as const) {
    const recorded = await runCli([
      '--repo',
      repo.dir,
      'record',
      event,
      ...(reason === null ? [] : ['--reason', reason]),
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
  }
});

afterAll(async () => {
  repo.cleanup();
  await new Promise((resolve) => server.close(resolve));
});

const RUNS: Array<[string, string[]]> = [
  ['plan', ['plan', '--now', '2026-01-06T03:00:00Z', '--from', 'v0']],
  ['explain', ['explain', 'HEAD']],
  ['lineage', ['lineage', 'v0..HEAD']],
  ['ledger list', ['ledger', 'list']],
  ['insights', ['insights', '--now', '2026-01-07T00:00:00Z', '--offline']],
  ['backtest', ['backtest']],
];
const FORMATS: Record<string, string[]> = {
  plan: ['text', 'json', 'markdown', 'github'],
  explain: ['text', 'json', 'markdown'],
  lineage: ['text', 'json', 'markdown', 'github'],
  'ledger list': ['text', 'json'],
  insights: ['text', 'json', 'markdown', 'html'],
  backtest: ['text', 'json', 'markdown'],
};

describe('hostile text in every format of every command', () => {
  for (const [name, args] of RUNS) {
    for (const format of FORMATS[name] ?? []) {
      for (const actions of [false, true]) {
        it(`${name} --format ${format}${actions ? ' in a GitHub Actions job' : ''}`, async () => {
          const out = await runCli(['--repo', repo.dir, '--format', format, ...args], {
            env: actions ? { GITHUB_ACTIONS: 'true' } : {},
          });
          expect([0, 3, 4, 5], out.stderr).toContain(out.code);
          check(`${name} ${format}`, out);
          if (format === 'markdown' || format === 'github') {
            // Markdown, that is: annotations are plain text in GitHub's UI.
            const markdown = out.stdout
              .split('\n')
              .filter((line) => !line.startsWith('::'))
              .join('\n');
            expect(markdown).not.toContain('<img');
            expect(markdown).not.toContain('<b>');
            expect(markdown).not.toMatch(/(?<!\\)\[(?:click|z)(?<!\\)\]\(/);
          }
          if (format === 'json') expect(() => JSON.parse(out.stdout) as unknown).not.toThrow();
          handled.add(`${name} ${format}${actions ? ' actions' : ''}`);
        });
      }
    }
  }

  it('the hostile commit and its text reach the outputs (escaped), so the checks above test something', async () => {
    // explain wraps at 80 columns off a terminal: joined, each line is whole again.
    const osc = await runCli(['--repo', repo.dir, 'explain', oscSha]);
    expect(osc.stdout.replace(/\n {4,}/g, ' ')).toContain('clipboard \\x1B]52;c;cm0gLXJmIH4=\\x07 grab');
    const cr = await runCli(['--repo', repo.dir, 'explain', crSha]);
    expect(cr.stdout.replace(/\n {4,}/g, ' ')).toContain('looks fine\\rFORGED');
    expect(cr.stdout).toContain('author    Mallory \\x1B[2J\\x1B[H <');
    const explain = await runCli(['--repo', repo.dir, 'explain', hostileSha]);
    expect(explain.stdout.replace(/\n {4,}/g, ' ')).toContain('safe \\u202Eexe.txt\\u202C');
    const json = await runCli(['--repo', repo.dir, '--format', 'json', 'lineage', 'v0..HEAD']);
    // JSON keeps the exact text: a program reading it gets what git has.
    const report = JSON.parse(json.stdout) as { commits: Array<{ subject: string }> };
    expect(report.commits.map((c) => c.subject)).toContain(HOSTILE.osc52);
  });

  it('a newline in --reason does not forge a ledger list row', async () => {
    const out = await runCli(['--repo', repo.dir, 'ledger', 'list']);
    const rows = out.stdout.split('\n').filter((line) => /^#\d+ /.test(line));
    expect(rows.map((row) => row.split(' ')[0])).toEqual(['#1', '#2', '#3', '#4']);
    expect(out.stdout).toContain('rolled back\\n#99  2026-01-01 00:00Z');
  });

  it("the server's error text is shown shortened and redacted", async () => {
    const out = await runCli(['--repo', repo.dir, 'plan', '--now', '2026-01-06T03:00:00Z', '--from', 'v0']);
    expect(out.stdout).toContain('query failed');
    expect(out.stdout).toContain('token=[redacted] [redacted]');
  });

  it('the override reason is one line on stderr', async () => {
    const out = await runCli([
      '--repo',
      repo.dir,
      '--format',
      'json',
      'plan',
      '--now',
      '2026-01-06T03:00:00Z',
      '--override',
      HOSTILE.override,
    ]);
    check('override', out);
    const override = out.stderr.split('\n').filter((line) => line.includes('OVERRIDE'));
    expect(override).toEqual([
      expect.stringContaining('Reason: "hotfix\\n::add-mask::x\\n\\x1B]0;title\\x07"'),
    ]);
  });

  it(`tries ${Object.keys(HOSTILE).length} hostile inputs through every command and format`, () => {
    expect(Object.keys(HOSTILE)).toHaveLength(13);
    expect(handled.size).toBe(Object.values(FORMATS).flat().length * 2);
  });
});
