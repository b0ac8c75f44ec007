import { describe, expect, it } from 'vitest';
import type { LineageReport } from '../../src/assess/lineage-types.js';
import { breakName } from '../../src/render/table.js';
import { makeRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

const CLAUDE = 'Co-authored-by: Claude <noreply@anthropic.com>';

async function lineage(dir: string, range: string): Promise<LineageReport> {
  const result = await runCli(['--repo', dir, '--format', 'json', 'lineage', range]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as LineageReport;
}

describe('lineage edge cases', () => {
  it('blames the stored file, not a textconv filter output', async () => {
    const repo = makeRepo('da-textconv-');
    try {
      repo.write('README.md', 'x\n');
      const base = repo.commit('base');
      repo.write('.gitattributes', '*.dat diff=up\n');
      repo.git('config', 'diff.up.textconv', `sh -c 'cat "$0"; echo extra1; echo extra2'`);
      repo.write('x.dat', 'one\ntwo\n');
      repo.commit('data', { trailers: [CLAUDE] });
      const report = await lineage(repo.dir, `${base}..HEAD`);
      expect(report.files.find((f) => f.path === 'x.dat')).toMatchObject({ lines: 2, aiLines: 2 });
    } finally {
      repo.cleanup();
    }
  });

  it('a submodule in the range is not blamed (no false warning)', async () => {
    const sub = makeRepo('da-sub-');
    const repo = makeRepo('da-super-');
    try {
      sub.write('a.txt', 'a\n');
      sub.commit('sub');
      repo.write('README.md', 'x\n');
      const base = repo.commit('base');
      repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
      repo.commit('add submodule');
      const report = await lineage(repo.dir, `${base}..HEAD`);
      expect(report.diagnostics.map((d) => d.message).join(' ')).not.toContain('vendor/sub');
    } finally {
      sub.cleanup();
      repo.cleanup();
    }
  });

  it('a commit with a note and a trailer names both tools; markdown escapes <tags> in subjects', async () => {
    const repo = makeRepo('da-notes-markers-');
    try {
      repo.write('README.md', 'x\n');
      const base = repo.commit('base');
      repo.writeLines('src/a.ts', 3);
      const sha = repo.commit('Add <Button> component', { trailers: [CLAUDE] });
      const note = [
        'src/a.ts',
        '  abcd1234abcd1234 1-3',
        '---',
        JSON.stringify({
          schema_version: 'authorship/3.0.0',
          base_commit_sha: sha,
          prompts: { abcd1234abcd1234: { agent_id: { tool: 'cursor', id: 'x', model: 'm' } } },
        }),
      ].join('\n');
      repo.git('notes', '--ref=refs/notes/ai', 'add', '-m', note, sha);
      const report = await lineage(repo.dir, `${base}..HEAD`);
      const tools = report.tools.map((t) => t.tool).sort();
      expect(tools).toEqual(['claude', 'cursor']);
      const md = await runCli(['--repo', repo.dir, '--format', 'markdown', 'lineage', `${base}..HEAD`]);
      expect(md.stdout).toContain('Add &lt;Button&gt; component');
    } finally {
      repo.cleanup();
    }
  });
});

describe('breakName', () => {
  it('breaks long paths after a slash so two long names stay different', () => {
    const a = breakName('src/components/dashboard/WidgetHeader.tsx', 28);
    const b = breakName('src/components/dashboard/WidgetFooter.tsx', 28);
    expect(a).not.toEqual(b);
    expect(a.replaceAll('\n', '')).toBe('src/components/dashboard/WidgetHeader.tsx');
    for (const line of a.split('\n')) expect(line.length).toBeLessThanOrEqual(26);
    expect(breakName('short.ts', 28)).toBe('short.ts');
    expect(
      breakName('x'.repeat(60), 12)
        .split('\n')
        .every((line) => line.length <= 10),
    ).toBe(true);
  });
});
