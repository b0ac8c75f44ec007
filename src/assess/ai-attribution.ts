import type { CommitFacts } from './facts.js';

/** Tools the built-in markers can name. `Assisted-by:` and config markers may name others. */
export const KNOWN_TOOLS = [
  'claude',
  'copilot',
  'cursor',
  'codex',
  'aider',
  'jules',
  'devin',
  'amazon-q',
  'gemini',
  'sweep',
] as const;

export interface AiMarker {
  /** Tool as reported (`claude`, `copilot`, ..., or the agent name from `Assisted-by:`). */
  tool: string;
  /** What matched, verbatim: the trailer line, the author, or the body line. */
  marker: string;
  kind: 'trailer' | 'author' | 'body' | 'custom';
}

export interface CustomMarker {
  pattern: string;
  tool?: string | undefined;
  in: 'trailer' | 'author' | 'body' | 'any';
}

export interface AttributionRules {
  custom: CustomMarker[];
  /** Tool names or regular expressions whose markers are dropped. */
  ignore: string[];
}

/** Maps a free-text agent or product name to a canonical tool name. */
export function canonicalTool(text: string): string {
  const t = text.toLowerCase();
  if (/claude|anthropic/.test(t)) return 'claude';
  if (/copilot/.test(t)) return 'copilot';
  if (/cursor/.test(t)) return 'cursor';
  if (/codex|openai|chatgpt/.test(t)) return 'codex';
  if (/aider/.test(t)) return 'aider';
  if (/jules/.test(t)) return 'jules';
  if (/devin/.test(t)) return 'devin';
  if (/amazon[ -]?q|amazon-q|codewhisperer/.test(t)) return 'amazon-q';
  if (/gemini/.test(t)) return 'gemini';
  if (/^sweep(?:-ai|\b)/.test(t)) return 'sweep';
  const word = /[a-z0-9][a-z0-9._-]*/.exec(t)?.[0];
  return word ?? 'unknown';
}

/**
 * Identities of AI tools in `Co-authored-by:` values and author fields. Emails are definitive; names
 * count only when the whole name is the tool's (optionally with a model), so "Claude Monet" or
 * "Devin Smith" stay human.
 */
const IDENTITIES: ReadonlyArray<{ tool: string; email: RegExp; name: RegExp }> = [
  {
    tool: 'claude',
    email: /@anthropic\.com$/i,
    name: /^claude(?: (?:code|opus|sonnet|haiku|\d)[\w .-]*)?$/i,
  },
  {
    tool: 'copilot',
    email: /^(?:\d+\+)?copilot@users\.noreply\.github\.com$|copilot-swe-agent/i,
    name: /^(?:github )?copilot(?: agent)?$|^copilot-swe-agent(?:\[bot\])?$/i,
  },
  { tool: 'cursor', email: /^cursoragent@cursor\.com$/i, name: /^cursor(?: agent)?$/i },
  { tool: 'codex', email: /^noreply@openai\.com$/i, name: /^(?:openai )?codex$|^chatgpt(?: codex)?$/i },
  { tool: 'aider', email: /@aider\.(?:chat|dev)$/i, name: /^aider(?: \(.*\))?$|\(aider\)$/i },
  { tool: 'jules', email: /google-labs-jules/i, name: /^google-labs-jules(?:\[bot\])?$/i },
  {
    tool: 'devin',
    email: /devin-ai-integration/i,
    name: /^devin(?: ai)?$|^devin-ai-integration(?:\[bot\])?$/i,
  },
  {
    tool: 'amazon-q',
    email: /amazon-q-developer/i,
    name: /^amazon q(?: developer)?$|^amazon-q-developer(?:\[bot\])?$/i,
  },
  {
    tool: 'gemini',
    email: /gemini-code-assist/i,
    name: /^gemini(?: code assist)?$|^gemini-code-assist(?:\[bot\])?$/i,
  },
];

/**
 * GitHub App accounts that coding agents commit (or co-author) under. A GitHub App commits as its login
 * with the email `<id>+<login>@users.noreply.github.com`; both are matched whole (the `<id>+` is optional,
 * the host may be a GitHub Enterprise one). Review bots (coderabbitai[bot]) are not here: GitHub names
 * them as co-author when one of their review suggestions is applied, and a reviewer's suggestion is not
 * authorship, as for a person's.
 * Each entry was checked against real commits or the agent's own code:
 */
const BOT_ACCOUNTS: ReadonlyArray<{ login: string; tool: string }> = [
  // Copilot coding agent: commits as "Copilot <198982749+Copilot@users.noreply.github.com>"; its PR
  // account is copilot-swe-agent[bot]. Copilot CLI co-authors as 223556219+Copilot (same login).
  { login: 'copilot', tool: 'copilot' },
  { login: 'copilot-swe-agent[bot]', tool: 'copilot' },
  // anthropics/claude-code-action (src/github/operations/git-config.ts) sets user.name to the bot login
  // and user.email to `${id}+${login}@users.noreply.github.com`; the defaults are claude[bot] and
  // 41898282, and the Claude GitHub App's own account is 209825114+claude[bot].
  { login: 'claude[bot]', tool: 'claude' },
  // Cursor (Bugbot autofix, background agents): "cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>".
  { login: 'cursor[bot]', tool: 'cursor' },
  { login: 'cursoragent[bot]', tool: 'cursor' },
  // OpenAI Codex cloud: "Codex <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>" as
  // author or co-author; the Codex GitHub App is openai-codex[bot] (215057067, as public bot
  // lists record it).
  { login: 'chatgpt-codex-connector[bot]', tool: 'codex' },
  { login: 'openai-codex[bot]', tool: 'codex' },
  // Devin: "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>".
  { login: 'devin-ai-integration[bot]', tool: 'devin' },
  // Jules: "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>".
  { login: 'google-labs-jules[bot]', tool: 'jules' },
  // Amazon Q Developer agent: amazon-q-developer[bot] (208079219, as public bot lists record it).
  { login: 'amazon-q-developer[bot]', tool: 'amazon-q' },
  // Gemini Code Assist: gemini-code-assist[bot] (176961590, as public bot lists record it).
  { login: 'gemini-code-assist[bot]', tool: 'gemini' },
  // Sweep: its own server config (sweep.dev) names its GitHub bot login sweep-ai[bot] (id 128439645).
  { login: 'sweep-ai[bot]', tool: 'sweep' },
];

/**
 * Agents' own addresses, as authors: Claude Code's `--author="Claude <noreply@anthropic.com>"`, the
 * Cursor background agent's git identity "Cursor Agent <cursoragent@cursor.com>", Codex's
 * noreply@openai.com and codex@openai.com. Exact addresses only: a person at anthropic.com is a person.
 */
const AGENT_EMAILS: ReadonlyMap<string, string> = new Map([
  ['noreply@anthropic.com', 'claude'],
  ['cursoragent@cursor.com', 'cursor'],
  ['noreply@openai.com', 'codex'],
  ['codex@openai.com', 'codex'],
]);

/** The tool whose bot account a name or email is, if any (whole login, or its noreply address). */
function botAccountTool(name: string, email: string): string | null {
  const login = name.trim().toLowerCase();
  const noreply = /^(?:\d+\+)?([^@]+)@users\.noreply\.[^@]+$/i.exec(email.trim())?.[1]?.toLowerCase();
  for (const account of BOT_ACCOUNTS) {
    // A bare name ("Copilot") counts only for [bot] logins and Copilot's, never a person's first name.
    if (login === account.login && (login.endsWith('[bot]') || login === 'copilot')) return account.tool;
    if (noreply === account.login) return account.tool;
  }
  return null;
}

const BODY_MARKERS: ReadonlyArray<readonly [RegExp, string | null]> = [
  [/generated with \[?claude code\]?/i, 'claude'],
  [/generated (?:with|by) \[([^\]]+)\]/i, null],
  [/^co-authored-by:/i, 'skip'],
];

/** The tool a "Name <email>" (or a bare URL or name) identifies, if any. */
function identityTool(value: string): string | null {
  const match = /^(.*?)\s*<([^>]*)>\s*$/.exec(value.trim());
  const name = (match?.[1] ?? value).trim();
  const email = (match?.[2] ?? '').trim();
  for (const identity of IDENTITIES) {
    if ((email !== '' && identity.email.test(email)) || identity.name.test(name)) return identity.tool;
  }
  return botAccountTool(name, email);
}

function trailerMarker(key: string, value: string): AiMarker | null {
  const line = `${key}: ${value}`;
  switch (key.toLowerCase()) {
    case 'co-authored-by': {
      const tool = identityTool(value);
      return tool === null ? null : { tool, marker: line, kind: 'trailer' };
    }
    case 'assisted-by': {
      // Linux kernel / Fedora / LLVM form: AGENT:MODEL [tool, tool]
      const agent = value.includes(':')
        ? value.slice(0, value.indexOf(':'))
        : (value.split(/\s*\[/)[0] ?? value);
      return { tool: canonicalTool(agent.trim() === '' ? value : agent), marker: line, kind: 'trailer' };
    }
    case 'generated-by':
      return { tool: canonicalTool(value), marker: line, kind: 'trailer' };
    case 'ai-assisted': {
      const v = value.trim().toLowerCase();
      if (/^(false|no|none|0)$/.test(v)) return null;
      return {
        tool: /^(true|yes|1)$/.test(v) ? 'unspecified' : canonicalTool(v),
        marker: line,
        kind: 'trailer',
      };
    }
    case 'made-with':
      return { tool: canonicalTool(value), marker: line, kind: 'trailer' };
    case 'claude-session':
      return { tool: 'claude', marker: line, kind: 'trailer' };
    case 'agent-logs-url':
      return { tool: urlTool(value), marker: line, kind: 'trailer' };
    default:
      return null;
  }
}

/** Agent log links name their host: devin.ai, jules.google, cursor.com, ... */
function urlTool(url: string): string {
  const host = /^[a-z]+:\/\/([^/]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  for (const [pattern, tool] of [
    [/devin/, 'devin'],
    [/jules/, 'jules'],
    [/cursor/, 'cursor'],
    [/openai|chatgpt/, 'codex'],
    [/anthropic|claude/, 'claude'],
  ] as const) {
    if (pattern.test(host)) return tool;
  }
  return 'unspecified';
}

/** Bound on the memo tables below, so a long-lived process (the tests) cannot grow them without limit. */
const CACHE_LIMIT = 10_000;

/**
 * The most of one line a user pattern sees: markers are short, and even a pattern the policy check lets
 * through (no nested repetition) can be quadratic on a hostile megabyte-long commit line.
 */
const MAX_MATCHED = 1024;

/** Compiled user patterns (custom markers, ignore rules), which are tested on every commit. */
const compiled = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern, 'i');
    } catch {
      regex = null;
    }
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Validates user patterns; returns the first one that is not a valid regular expression. */
export function invalidPattern(patterns: readonly string[]): string | null {
  return patterns.find((pattern) => compile(pattern) === null) ?? null;
}

function ignored(marker: AiMarker, rules: AttributionRules): boolean {
  return rules.ignore.some((rule) => {
    if (rule.toLowerCase() === marker.tool) return true;
    return compile(rule)?.test(marker.marker.slice(0, MAX_MATCHED)) ?? false;
  });
}

/** Bot-author answers per person: a range has thousands of commits but few distinct authors. */
const botToolCache = new Map<string, string | null>();

/** The tool a bot author or committer is, if any. */
function botTool(name: string, email: string): string | null {
  // NUL separates the fields: git allows it in neither.
  const key = `${name}\0${email}`;
  const cached = botToolCache.get(key);
  if (cached !== undefined) return cached;
  const found =
    botAccountTool(name, email) ??
    AGENT_EMAILS.get(email.trim().toLowerCase()) ??
    // aider commits as "Jane Doe (aider)" (its --attribute-author default).
    (/\(aider\)$/i.test(name.trim()) ? 'aider' : null);
  if (botToolCache.size >= CACHE_LIMIT) botToolCache.clear();
  botToolCache.set(key, found);
  return found;
}

/** All AI markers on a commit, in a stable order (trailers, author, body, custom). */
export function findAiMarkers(commit: CommitFacts, rules: AttributionRules): AiMarker[] {
  const found: AiMarker[] = [];
  for (const { key, value } of commit.trailers) {
    const marker = trailerMarker(key, value);
    if (marker !== null) found.push(marker);
  }
  for (const person of [commit.author, commit.committer]) {
    const tool = botTool(person.name, person.email);
    if (tool !== null)
      found.push({ tool, marker: `author: ${person.name} <${person.email}>`, kind: 'author' });
  }
  for (const line of commit.body.split('\n')) {
    for (const [pattern, tool] of BODY_MARKERS) {
      const match = pattern.exec(line);
      if (match === null) continue;
      if (tool === 'skip') break;
      found.push({ tool: tool ?? canonicalTool(match[1] ?? ''), marker: line.trim(), kind: 'body' });
      break;
    }
  }
  for (const custom of rules.custom) {
    const regex = compile(custom.pattern);
    if (regex === null) continue;
    const haystacks: string[] = [];
    if (custom.in === 'trailer' || custom.in === 'any')
      haystacks.push(...commit.trailers.map((t) => `${t.key}: ${t.value}`));
    if (custom.in === 'author' || custom.in === 'any')
      haystacks.push(
        `${commit.author.name} <${commit.author.email}>`,
        `${commit.committer.name} <${commit.committer.email}>`,
      );
    if (custom.in === 'body' || custom.in === 'any')
      haystacks.push(commit.subject, ...commit.body.split('\n'));
    const hit = haystacks.find((text) => regex.test(text.slice(0, MAX_MATCHED)));
    if (hit !== undefined) found.push({ tool: custom.tool ?? 'custom', marker: hit.trim(), kind: 'custom' });
  }
  return found.filter((marker) => !ignored(marker, rules));
}
