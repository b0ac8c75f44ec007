import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageReport } from '../../src/assess/lineage-types.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

const numbered = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}`);

const META = `{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.0",
  "base_commit_sha": "0000000000000000000000000000000000000000",
  "prompts": {
    "c9883b05a2487d6d": {"agent_id": {"tool": "claude", "id": "conv-1", "model": "claude-sonnet-4"}},
    "7d6b426aa0f1e2d3": {"agent_id": {"tool": "codex", "id": "conv-2", "model": "gpt-5"}}
  },
  "sessions": {
    "s_1f2e3d4c5b6a79": {"agent_id": {"tool": "cursor", "id": "sess-9", "model": "composer"}}
  },
  "humans": {"h_a1b2c3d4e5f678": {"author": "Test Author"}}
}`;

/**
 * c1's note: in src/app.ts Claude wrote 11-24 and a Cursor session 26-30 (25 is the human's); in
 * helpers.ts Claude wrote 1-8 and the human 9-12; Codex wrote all of "docs/read me.md".
 */
const NOTE = `src/app.ts
  c9883b05a2487d6d 11-24
  s_1f2e3d4c5b6a79::t_9f8e7d6c5b4a32 26-30
src/util/helpers.ts
  c9883b05a2487d6d 1-8
  h_a1b2c3d4e5f678 9-12
"docs/read me.md"
  7d6b426aa0f1e2d3 1-5
---
${META}`;

async function lineage(dir: string, ...args: string[]) {
  const result = await runCli(['--repo', dir, '--format', 'json', 'lineage', ...args]);
  return { ...result, report: (result.code === 0 ? JSON.parse(result.stdout) : null) as LineageReport };
}

describe('lineage with git-ai notes (authorship v3)', () => {
  let repo: TestRepo;
  const sha: Record<string, string> = {};
  beforeAll(() => {
    repo = makeRepo();
    repo.write('src/app.ts', `${numbered('base', 1, 10).join('\n')}\n`);
    sha.base = repo.commit('base');
    repo.git('branch', 'base');

    const app = [...numbered('base', 1, 10), ...numbered('gen', 11, 30)];
    repo.write('src/app.ts', `${app.join('\n')}\n`);
    repo.write('src/util/helpers.ts', `${numbered('help', 1, 12).join('\n')}\n`);
    repo.write('docs/read me.md', `${numbered('doc', 1, 5).join('\n')}\n`);
    sha.ai = repo.commit('generated app');
    repo.git('notes', '--ref=refs/notes/ai', 'add', '-m', NOTE, sha.ai);

    // A human inserts two lines on top and rewrites two Claude lines (12, 13) and a Cursor line (27).
    const edited = app.map((line, i) => ([12, 13, 27].includes(i + 1) ? `human ${i + 1}` : line));
    repo.write('src/app.ts', `${['top 1', 'top 2', ...edited].join('\n')}\n`);
    repo.write(
      'src/util/helpers.ts',
      `${numbered('help', 1, 12)
        .map((line, i) => (i === 1 ? 'human 2' : line))
        .join('\n')}\n`,
    );
    sha.human = repo.commit('human edits');

    repo.write('src/app.ts', `${['top 1', 'top 2', ...edited, ...numbered('tail', 1, 5)].join('\n')}\n`);
    repo.write('src/new.ts', `${numbered('new', 1, 4).join('\n')}\n`);
    sha.trailer = repo.commit('tail and new', {
      trailers: ['Co-authored-by: Claude <noreply@anthropic.com>', 'Reviewed-by: Rita <rita@example.com>'],
    });
    repo.git('tag', 'after-trailer');

    repo.write('src/human.ts', 'h1\nh2\nh3\n');
    sha.plain = repo.commit('plain human');

    repo.write('src/bad.ts', `${numbered('bad', 1, 6).join('\n')}\n`);
    sha.malformed = repo.commit('copilot change', {
      trailers: ['Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>'],
    });
    repo.git(
      'notes',
      '--ref=refs/notes/ai',
      'add',
      '-m',
      'src/bad.ts\n  c9883b05a2487d6d 1-x\n---\n{}',
      sha.malformed,
    );

    // Coverage of the target's src/app.ts: lines 1-20 ran, 21-37 did not.
    const da = Array.from({ length: 37 }, (_, i) => `DA:${i + 1},${i + 1 <= 20 ? 1 : 0}`).join('\n');
    writeFileSync(join(repo.dir, 'app.info'), `SF:src/app.ts\n${da}\nend_of_record\n`);
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('counts AI lines per file exactly: per line where a note says, per commit where only a marker does', async () => {
    const { code, report } = await lineage(repo.dir, 'base..HEAD');
    expect(code).toBe(0);
    expect(report.schemaVersion).toBe('deployadvisor.lineage/1');
    const files = Object.fromEntries(
      report.files.map((f) => [f.path, [f.lines, f.rangeLines, f.aiLines, f.attribution]]),
    );
    expect(files).toEqual({
      // 2 human + 10 base + 17 of c1 (16 AI: Claude 12, Cursor 4) + 5 trailer lines.
      'src/app.ts': [37, 27, 21, 'mixed'],
      // Claude 1-8 less line 2 rewritten; 9-12 are the human's by the note.
      'src/util/helpers.ts': [12, 12, 7, 'line'],
      'docs/read me.md': [5, 5, 5, 'line'],
      'src/new.ts': [4, 4, 4, 'commit'],
      'src/human.ts': [3, 3, 0, 'none'],
      'src/bad.ts': [6, 6, 6, 'commit'],
    });
    expect(report.files.find((f) => f.path === 'src/app.ts')?.tools).toEqual([
      { tool: 'claude', lines: 17 },
      { tool: 'cursor', lines: 4 },
    ]);
    expect(report.files.find((f) => f.path === 'docs/read me.md')?.lowRisk).toBe(true);
    expect(report.totals).toMatchObject({ commits: 5, aiCommits: 3, files: 6, rangeLines: 57, aiLines: 43 });
  });

  it('says which commits were attributed per line, per commit, or not at all', async () => {
    const { report } = await lineage(repo.dir, 'base..HEAD');
    const commits = Object.fromEntries(
      report.commits.map((c) => [c.sha, [c.attribution, c.ai.tool, c.ai.lines, c.lines]]),
    );
    expect(commits).toEqual({
      // c1 keeps 17 lines in app.ts, 11 in helpers.ts and 5 in the doc.
      [sha.ai ?? '']: ['line', 'claude', 28, 33],
      [sha.human ?? '']: ['none', null, 0, 6],
      [sha.trailer ?? '']: ['commit', 'claude', 9, 9],
      [sha.plain ?? '']: ['none', null, 0, 3],
      [sha.malformed ?? '']: ['commit', 'copilot', 6, 6],
    });
    const ai = report.commits.find((c) => c.sha === sha.ai);
    expect(ai?.ai.marker).toBe('git-ai note (refs/notes/ai, authorship/3.0.0)');
    expect(ai?.ai.tools).toEqual([
      { tool: 'claude', lines: 19 },
      { tool: 'codex', lines: 5 },
      { tool: 'cursor', lines: 4 },
    ]);
    const trailer = report.commits.find((c) => c.sha === sha.trailer);
    expect(trailer?.ai.marker).toBe('Co-authored-by: Claude <noreply@anthropic.com>');
    expect(trailer?.reviewed).toBe(true);
    expect(trailer?.reviewEvidence).toEqual(['Reviewed-by: Rita <rita@example.com>']);
    expect(report.notes).toEqual({ ref: 'refs/notes/ai', present: true, commits: 1, malformed: 1 });
    expect(report.totals).toMatchObject({ lineAttributed: 1, commitAttributed: 2 });
    expect(report.tools).toEqual([
      { tool: 'claude', commits: 2, lines: 28 },
      { tool: 'copilot', commits: 1, lines: 6 },
      { tool: 'codex', commits: 1, lines: 5 },
      { tool: 'cursor', commits: 1, lines: 4 },
    ]);
  });

  it('names the commit and line of a malformed note, and falls back to its marker', async () => {
    const { report } = await lineage(repo.dir, 'base..HEAD');
    const diagnostic = report.diagnostics.find((d) => d.id === 'ai-note-malformed');
    expect(diagnostic?.message).toContain(sha.malformed?.slice(0, 10));
    expect(diagnostic?.message).toContain('line 2');
    expect(diagnostic?.message).toContain('bad line ranges "1-x"');
  });

  it('counts patch coverage of each commit over its lines that survive, where a report exists', async () => {
    const { report } = await lineage(repo.dir, 'base..HEAD', '--coverage', join(repo.dir, 'app.info'));
    const coverage = Object.fromEntries(report.commits.map((c) => [c.sha, c.coverage]));
    // c2's app.ts lines end up at 1, 2, 14, 15 and 29; c1's 17 at 13-32 less those; the tail at 33-37.
    expect(coverage[sha.human ?? '']).toEqual({ measured: 5, covered: 4 });
    expect(coverage[sha.ai ?? '']).toEqual({ measured: 17, covered: 6 });
    expect(coverage[sha.trailer ?? '']).toEqual({ measured: 5, covered: 0 });
    expect(coverage[sha.plain ?? '']).toEqual({ measured: 0, covered: 0 });
    expect(report.totals.coverage).toEqual({ measured: 27, covered: 10 });
    const without = await lineage(repo.dir, 'base..HEAD');
    expect(without.report.commits.every((c) => c.coverage === null)).toBe(true);
  });

  it('takes one ref as the end of the default range, and is byte-identical run to run', async () => {
    const first = await lineage(repo.dir, 'after-trailer');
    expect(first.report.range.base.source).toBe('root');
    expect(first.report.commits.map((c) => c.sha)).toEqual([sha.trailer, sha.human, sha.ai, sha.base]);
    // From the root, the base lines are the root commit's: human, not examined before.
    expect(first.report.files.find((f) => f.path === 'src/app.ts')).toMatchObject({
      lines: 37,
      rangeLines: 37,
      aiLines: 21,
    });
    const second = await lineage(repo.dir, 'after-trailer');
    expect(second.stdout).toBe(first.stdout);
    const text1 = await runCli(['--repo', repo.dir, 'lineage', 'base..HEAD']);
    const text2 = await runCli(['--repo', repo.dir, 'lineage', 'base..HEAD']);
    expect(text1.stdout).toBe(text2.stdout);
  });

  it('without a notes ref, attributes per commit from markers only', async () => {
    const bare = makeRepo();
    try {
      bare.writeLines('a.ts', 3);
      bare.commit('base');
      bare.writeLines('a.ts', 8);
      const ai = bare.commit('more', { trailers: ['Co-authored-by: Claude <noreply@anthropic.com>'] });
      const { report } = await lineage(bare.dir, 'HEAD~1..HEAD');
      expect(report.notes.present).toBe(false);
      expect(report.commits).toMatchObject([
        { sha: ai, attribution: 'commit', ai: { tool: 'claude', lines: 5 } },
      ]);
      expect(report.files).toMatchObject([{ path: 'a.ts', lines: 8, rangeLines: 5, aiLines: 5 }]);
    } finally {
      bare.cleanup();
    }
  });

  it('rejects a ref that does not exist with exit 2, naming it', async () => {
    const result = await runCli(['--repo', repo.dir, 'lineage', 'base..no-such-ref']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"no-such-ref" is not a commit');
    const both = await runCli(['--repo', repo.dir, 'lineage', 'base..HEAD', '--from', 'base']);
    expect(both.code).toBe(2);
  });
});
