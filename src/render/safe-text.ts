/**
 * Text from git, reports, servers, the policy and flags is hostile until escaped for where it goes. This
 * module is the one place that knows which characters a terminal (or a CI log) acts on:
 *
 * - `cleanText` / `cleanDeep`: a value (a commit subject, a path, a zone name, a reason) becomes one
 *   printable line. Renderers of text, markdown, github and html get their data through `cleanDeep`, so
 *   a newline in a `--reason` cannot forge a second row and an escape sequence cannot reach the screen.
 * - `guardOutput`: the last pass over everything written to stdout, stderr or a file. It escapes any
 *   control character a renderer still let through (only our own colour codes survive, and only on a
 *   terminal), and inside a GitHub Actions job it defuses lines that the runner would read as a
 *   workflow command (`::add-mask::`, `::stop-commands::`, legacy `##[...]`).
 */

/**
 * C0 controls (newline and tab included: a value is one line), DEL, C1 controls, the Unicode line and
 * paragraph separators, and the bidirectional controls that reorder what a reader sees (Trojan Source).
 */
const UNSAFE_IN_VALUE =
  // eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** A visible, unambiguous-enough stand-in for an unsafe character: `\n`, `\x1B`, `\u202E`. */
function visible(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One printable line: every control, separator and bidi character shown as an escape. */
export function cleanText(text: string): string {
  return text.replace(UNSAFE_IN_VALUE, visible);
}

/** `cleanText` over every string in a value (plain objects and arrays); other values pass through. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanDeep) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, cleanDeep(v)])) as T;
  }
  return value;
}

export interface GuardOptions {
  /** Keep SGR colour sequences (`ESC [ ... m`): only when the stream is a terminal that we colour. */
  colour?: boolean;
  /** Running in a GitHub Actions job (GITHUB_ACTIONS=true): the runner reads commands from the log. */
  githubActions?: boolean;
  /** The text is our own workflow commands (`--format github` annotations): its `::` lines stay. */
  workflowCommands?: boolean;
}

/** Everything a terminal acts on except newline and tab (and our SGR colour codes, matched first). */
const UNSAFE_IN_OUTPUT =
  // eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
  /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A line the Actions runner would take as a command: `::name ...::` or the legacy `##[name]`, after leading spaces. */
const WORKFLOW_COMMAND = /^(\s*)(::|##\[)/gm;

/**
 * The last pass over output. JSON stays valid: it has no raw C0 controls, and the others become `\uXXXX`
 * escapes of the same characters.
 */
export function guardOutput(text: string, options: GuardOptions = {}): string {
  let out = text.replace(UNSAFE_IN_OUTPUT, (match) =>
    match.length > 1 && options.colour === true ? match : `${unicodeEscape(match[0] ?? '')}${match.slice(1)}`,
  );
  if (options.githubActions === true && options.workflowCommands !== true) {
    // A backslash in front: still readable, and the runner no longer sees a command.
    out = out.replace(WORKFLOW_COMMAND, '$1\\$2');
  }
  return out;
}
