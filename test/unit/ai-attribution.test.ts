import { describe, expect, it } from 'vitest';
import { findAiMarkers, type AttributionRules } from '../../src/assess/ai-attribution.js';
import type { CommitFacts } from '../../src/assess/facts.js';
import { parseTrailers } from '../../src/collect/git-log.js';

const NONE: AttributionRules = { custom: [], ignore: [] };

function commit(options: {
  body?: string;
  author?: string;
  email?: string;
  committer?: string;
  committerEmail?: string;
}): CommitFacts {
  const body = options.body ?? '';
  const person = (name: string, email: string) => ({ name, email, date: '2026-01-01T00:00:00Z' });
  return {
    sha: 'a'.repeat(40),
    parents: [],
    author: person(options.author ?? 'Dev', options.email ?? 'dev@example.com'),
    committer: person(
      options.committer ?? options.author ?? 'Dev',
      options.committerEmail ?? options.email ?? 'dev@example.com',
    ),
    subject: 'change',
    body,
    trailers: parseTrailers(body),
    files: [],
  };
}

const tool = (c: CommitFacts, rules = NONE) => findAiMarkers(c, rules).map((m) => m.tool);

describe('AI attribution markers (SPEC 4.2)', () => {
  it.each([
    ['Co-authored-by: Claude <noreply@anthropic.com>', 'claude'],
    ['co-authored-by: claude <NOREPLY@ANTHROPIC.COM>', 'claude'],
    ['Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>', 'claude'],
    ['Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>', 'copilot'],
    ['Co-authored-by: Copilot <Copilot@users.noreply.github.com>', 'copilot'],
    ['Co-authored-by: Cursor Agent <cursoragent@cursor.com>', 'cursor'],
    ['Co-authored-by: Codex <noreply@openai.com>', 'codex'],
    ['Co-authored-by: aider (gpt-4o) <noreply@aider.chat>', 'aider'],
    ['Co-authored-by: aider <bot@aider.dev>', 'aider'],
    [
      'Co-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>',
      'jules',
    ],
    ['Co-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>', 'devin'],
    ['Co-authored-by: Amazon Q Developer <amazon-q-developer[bot]@users.noreply.github.com>', 'amazon-q'],
    ['Co-authored-by: gemini-code-assist[bot] <gemini@example.com>', 'gemini'],
    ['Assisted-by: Claude:claude-3-opus coccinelle', 'claude'],
    ['Assisted-by: GitHub Copilot:gpt-4o', 'copilot'],
    ['Assisted-by: Tabnine:pro', 'tabnine'],
    ['Generated-by: ChatGPT 4o', 'codex'],
    ['Generated-by: StarCoder2', 'starcoder2'],
    ['AI-Assisted: true', 'unspecified'],
    ['AI-Assisted: cursor', 'cursor'],
    ['Made-with: Cursor', 'cursor'],
    ['Claude-Session: 6b1f0c3e', 'claude'],
    ['Agent-Logs-Url: https://github.com/acme/web/tasks/12', 'unspecified'],
    ['Agent-Logs-Url: https://app.devin.ai/sessions/abc', 'devin'],
    ['Co-authored-by: GitHub Copilot <noreply@github.com>', 'copilot'],
  ])('trailer %s → %s', (trailer, expected) => {
    const found = findAiMarkers(commit({ body: `Body text.\n\n${trailer}` }), NONE);
    expect(found.map((m) => m.tool)).toEqual([expected]);
    expect(found[0]?.marker).toBe(trailer.replace(/:\s+/, ': '));
  });

  it.each([
    ['copilot-swe-agent[bot]', 'copilot'],
    ['devin-ai-integration[bot]', 'devin'],
    ['google-labs-jules[bot]', 'jules'],
    ['amazon-q-developer[bot]', 'amazon-q'],
    ['Jane Doe (aider)', 'aider'],
  ])('author %s → %s', (author, expected) => {
    const found = findAiMarkers(commit({ author, committer: 'Dev' }), NONE);
    expect(found.map((m) => m.tool)).toEqual([expected]);
    expect(found[0]?.marker).toContain(author);
  });

  // Coding agents that commit under their own accounts, as their commits show them (sources in
  // src/assess/ai-attribution.ts, BOT_ACCOUNTS and AGENT_EMAILS). The committer is a person here, so
  // the one marker found is the author's.
  it.each([
    ['Copilot', '198982749+Copilot@users.noreply.github.com', 'copilot'],
    ['copilot-swe-agent[bot]', '198982749+Copilot@users.noreply.github.com', 'copilot'],
    ['claude[bot]', '41898282+claude[bot]@users.noreply.github.com', 'claude'],
    ['claude[bot]', '209825114+claude[bot]@users.noreply.github.com', 'claude'],
    ['claude[bot]', '12+claude[bot]@users.noreply.ghe.acme.example', 'claude'],
    ['Claude', 'noreply@anthropic.com', 'claude'],
    ['cursor[bot]', '206951365+cursor[bot]@users.noreply.github.com', 'cursor'],
    ['Cursor Agent', 'cursoragent@cursor.com', 'cursor'],
    ['Codex', '199175422+chatgpt-codex-connector[bot]@users.noreply.github.com', 'codex'],
    ['openai-codex[bot]', '215057067+openai-codex[bot]@users.noreply.github.com', 'codex'],
    ['GPT 5.5', 'codex@openai.com', 'codex'],
    ['Devin AI', '158243242+devin-ai-integration[bot]@users.noreply.github.com', 'devin'],
    ['google-labs-jules[bot]', '161369871+google-labs-jules[bot]@users.noreply.github.com', 'jules'],
    ['amazon-q-developer[bot]', '208079219+amazon-q-developer[bot]@users.noreply.github.com', 'amazon-q'],
    ['gemini-code-assist[bot]', '176961590+gemini-code-assist[bot]@users.noreply.github.com', 'gemini'],
    ['sweep-ai[bot]', '128439645+sweep-ai[bot]@users.noreply.github.com', 'sweep'],
    ['Jane Doe (aider)', 'jane@example.com', 'aider'],
  ])('bot author %s <%s> → %s', (author, email, expected) => {
    const found = findAiMarkers(
      commit({ author, email, committer: 'Dev', committerEmail: 'dev@example.com' }),
      NONE,
    );
    expect(found).toEqual([{ tool: expected, marker: `author: ${author} <${email}>`, kind: 'author' }]);
  });

  it('an agent as committer (a person authored) is found too', () => {
    const found = findAiMarkers(
      commit({
        author: 'Dev',
        email: 'dev@example.com',
        committer: 'claude[bot]',
        committerEmail: '41898282+claude[bot]@users.noreply.github.com',
      }),
      NONE,
    );
    expect(found.map((m) => m.tool)).toEqual(['claude']);
  });

  // People, and bots that write no code of their own, stay unattributed.
  it.each([
    ['Devin Smith', 'devin@example.com'],
    ['Claude', 'claude@mail.example'],
    ['Jules', 'jules@example.com'],
    ['Cursor', 'cursor@example.com'],
    ['Jane Roe', 'jane@anthropic.com'],
    ['Sweep', 'sweep@example.com'],
    // CodeRabbit reviews; a suggestion of its that is applied is committed by the person applying it.
    ['coderabbitai[bot]', '136622811+coderabbitai[bot]@users.noreply.github.com'],
    ['dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com'],
    // claude-code-action borrows this id, not this login: the login decides.
    ['github-actions[bot]', '41898282+github-actions[bot]@users.noreply.github.com'],
    ['claude-bot', 'claude-bot@example.com'],
    ['Claude[bot] Fan', 'fan@example.com'],
  ])('not an agent: author %s <%s>', (author, email) => {
    expect(tool(commit({ author, email }))).toEqual([]);
  });

  it.each([
    ['Co-authored-by: claude[bot] <41898282+claude[bot]@users.noreply.github.com>', 'claude'],
    ['Co-authored-by: cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>', 'cursor'],
    [
      'Co-authored-by: chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>',
      'codex',
    ],
    ['Co-authored-by: openai-codex[bot] <215057067+openai-codex[bot]@users.noreply.github.com>', 'codex'],
    ['Co-authored-by: sweep-ai[bot] <128439645+sweep-ai[bot]@users.noreply.github.com>', 'sweep'],
  ])('bot co-author %s → %s', (trailer, expected) => {
    expect(tool(commit({ body: trailer }))).toEqual([expected]);
  });

  it.each([
    ['Co-authored-by: coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>'],
    ['Co-authored-by: github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'],
    ['Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>'],
  ])('no marker for a bot that writes no code: %s', (trailer) => {
    expect(tool(commit({ body: trailer }))).toEqual([]);
  });

  it('body line "Generated with [Claude Code]" → claude', () => {
    const found = findAiMarkers(
      commit({ body: '🤖 Generated with [Claude Code](https://claude.com/claude-code)' }),
      NONE,
    );
    expect(found).toEqual([
      {
        tool: 'claude',
        marker: '🤖 Generated with [Claude Code](https://claude.com/claude-code)',
        kind: 'body',
      },
    ]);
  });

  it('trailers in the middle of a squash-merge body count', () => {
    const body =
      '* first\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n* second\n\nSigned-off-by: Dev <dev@example.com>';
    expect(tool(commit({ body }))).toEqual(['claude']);
  });

  it.each([
    ['Co-authored-by: Alice <alice@example.com>'],
    ['AI-Assisted: false'],
    ['Signed-off-by: Claude Shannon <shannon@bell-labs.example>'],
    ['Reviewed-by: Copilot Fan <fan@example.com>'],
    ['Co-authored-by: Claude Monet <claude@monet.example>'],
    ['Co-authored-by: Devin Smith <devin@example.com>'],
    ['Co-authored-by: Jules Verne <jules@example.com>'],
    ['Co-authored-by: Gemini Ortiz <gemini.ortiz@example.com>'],
  ])('no marker: %s', (trailer) => {
    expect(tool(commit({ body: trailer }))).toEqual([]);
  });

  it('config markers add patterns; ignore removes tools or patterns', () => {
    const rules: AttributionRules = {
      custom: [
        { pattern: '^X-Agent: (\\w+)', tool: 'internal-agent', in: 'trailer' },
        { pattern: 'robot@acme\\.dev', in: 'author' },
      ],
      ignore: [],
    };
    expect(tool(commit({ body: 'X-Agent: builder' }), rules)).toEqual(['internal-agent']);
    expect(tool(commit({ email: 'robot@acme.dev' }), rules)).toEqual(['custom']);
    const body = 'Co-authored-by: Copilot <Copilot@users.noreply.github.com>\nMade-with: Cursor';
    expect(tool(commit({ body }), { custom: [], ignore: ['copilot'] })).toEqual(['cursor']);
    expect(tool(commit({ body }), { custom: [], ignore: ['^Made-with'] })).toEqual(['copilot']);
  });
});
