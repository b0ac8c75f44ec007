/**
 * The git-ai authorship log, version 3 (Git AI Standard v3.0.0, `refs/notes/ai`): an attestation
 * section (file paths at column 0, indented `<key> <ranges>` lines), a line that is exactly `---`, and a
 * JSON object with `schema_version` ("authorship/3.x"), `base_commit_sha`, `prompts`, `sessions` and
 * `humans`. Line numbers are 1-based and refer to the file as it is in the noted commit.
 */

/** One attestation line: the lines (inclusive ranges) that one prompt, session or human wrote. */
export interface NoteEntry {
  key: string;
  ranges: Array<[number, number]>;
  /** Line of the note this entry is on (1-based), for diagnostics. */
  line: number;
}

export interface NoteFile {
  path: string;
  entries: NoteEntry[];
}

/** What the metadata says about a prompt or session: the agent's tool and model. */
export interface NoteAgent {
  tool: string | null;
  model: string | null;
}

export interface AuthorshipNote {
  schemaVersion: string;
  baseCommitSha: string | null;
  files: NoteFile[];
  /** `prompts` (bare hex keys) and `sessions` (`s_` keys), by key. */
  prompts: ReadonlyMap<string, NoteAgent>;
  sessions: ReadonlyMap<string, NoteAgent>;
}

export type NoteParse =
  { status: 'ok'; note: AuthorshipNote } | { status: 'malformed'; line: number; message: string };

/** Who a key stands for: `h_` keys are humans; every other key in the attestations is an AI agent. */
export type KeyOwner = { kind: 'human' } | { kind: 'ai'; tool: string | null; model: string | null };

const MAX_LINE = 2 ** 31;
const RANGE_PART = /^(\d+)(?:-(\d+))?$/;

/** Parses `1-10,15,20-25`; empty parts (a trailing comma) are skipped. Null when anything else is there. */
export function parseRanges(text: string): Array<[number, number]> | null {
  const ranges: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    if (part === '') continue;
    const match = RANGE_PART.exec(part);
    if (match === null) return null;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (start < 1 || end < start || end > MAX_LINE) return null;
    ranges.push([start, end]);
  }
  return ranges.length === 0 ? null : ranges;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Agents by key from `prompts` or `sessions`; records without a usable `agent_id` keep a null tool. */
function agents(value: unknown): Map<string, NoteAgent> {
  const map = new Map<string, NoteAgent>();
  if (!isRecord(value)) return map;
  for (const [key, record] of Object.entries(value)) {
    const agent = isRecord(record) && isRecord(record.agent_id) ? record.agent_id : {};
    map.set(key, {
      tool: typeof agent.tool === 'string' && agent.tool.trim() !== '' ? agent.tool.trim() : null,
      model: typeof agent.model === 'string' && agent.model.trim() !== '' ? agent.model.trim() : null,
    });
  }
  return map;
}

/** Parses one note. Never throws: a broken note is an answer naming the line that broke it. */
export function parseAuthorshipNote(text: string): NoteParse {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const divider = lines.indexOf('---');
  if (divider === -1) {
    return {
      status: 'malformed',
      line: lines.length,
      message: 'no `---` line divides attestations from metadata',
    };
  }
  const files: NoteFile[] = [];
  const byPath = new Map<string, NoteFile>();
  let current: NoteFile | null = null;
  for (let i = 0; i < divider; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trimEnd();
    if (line === '') continue;
    if (/^\s/.test(line)) {
      const match = /^\s+(\S+)\s+(\S+)$/.exec(line);
      if (match === null)
        return {
          status: 'malformed',
          line: i + 1,
          message: `expected "<key> <ranges>", got "${line.trim()}"`,
        };
      if (current === null)
        return {
          status: 'malformed',
          line: i + 1,
          message: 'an attestation line comes before any file path',
        };
      const ranges = parseRanges(match[2] ?? '');
      if (ranges === null)
        return { status: 'malformed', line: i + 1, message: `bad line ranges "${match[2] ?? ''}"` };
      current.entries.push({ key: match[1] ?? '', ranges, line: i + 1 });
      continue;
    }
    // Paths with spaces are wrapped in double quotes; the format has no escapes (quotes are not allowed).
    const path = line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
    current = byPath.get(path) ?? null;
    if (current === null) {
      current = { path, entries: [] };
      byPath.set(path, current);
      files.push(current);
    }
  }
  const json = lines.slice(divider + 1).join('\n');
  let metadata: unknown;
  try {
    metadata = JSON.parse(json);
  } catch {
    return { status: 'malformed', line: divider + 2, message: 'the metadata after `---` is not valid JSON' };
  }
  if (!isRecord(metadata))
    return {
      status: 'malformed',
      line: divider + 2,
      message: 'the metadata after `---` is not a JSON object',
    };
  const version = metadata.schema_version;
  if (typeof version !== 'string')
    return { status: 'malformed', line: divider + 2, message: 'the metadata has no schema_version' };
  if (!/^authorship\/3\./.test(version))
    return {
      status: 'malformed',
      line: divider + 2,
      message: `schema_version "${version}" is not authorship/3.x`,
    };
  return {
    status: 'ok',
    note: {
      schemaVersion: version,
      baseCommitSha: typeof metadata.base_commit_sha === 'string' ? metadata.base_commit_sha : null,
      files: files.filter((file) => file.entries.length > 0),
      prompts: agents(metadata.prompts),
      sessions: agents(metadata.sessions),
    },
  };
}

/** Routes an attestation key: `h_` → human, `s_<id>::t_<trace>` → `sessions[s_<id>]`, else `prompts`. */
export function resolveKey(note: AuthorshipNote, key: string): KeyOwner {
  if (key.startsWith('h_')) return { kind: 'human' };
  const head = key.split('::')[0] ?? key;
  const agent = key.startsWith('s_')
    ? (note.sessions.get(head) ?? note.sessions.get(key))
    : (note.prompts.get(key) ?? note.prompts.get(head) ?? note.sessions.get(key));
  return { kind: 'ai', tool: agent?.tool ?? null, model: agent?.model ?? null };
}

/** A run of lines with the key that wrote them last. */
export interface Segment {
  start: number;
  end: number;
  key: string;
}

/**
 * A file's attestations as sorted, non-overlapping segments. Where entries overlap, the later one wins
 * (as git-ai reads its own notes).
 */
export function attestedSegments(file: NoteFile): Segment[] {
  const pieces = file.entries.flatMap((entry) =>
    entry.ranges.map(([start, end]) => ({ start, end, key: entry.key })),
  );
  const sorted = [...pieces].sort((a, b) => a.start - b.start || a.end - b.end);
  if (sorted.every((piece, i) => i === 0 || piece.start > (sorted[i - 1]?.end ?? 0))) return sorted;
  let segments: Segment[] = [];
  for (const piece of pieces) {
    const next: Segment[] = [];
    for (const seg of segments) {
      if (seg.end < piece.start || seg.start > piece.end) {
        next.push(seg);
        continue;
      }
      if (seg.start < piece.start) next.push({ start: seg.start, end: piece.start - 1, key: seg.key });
      if (seg.end > piece.end) next.push({ start: piece.end + 1, end: seg.end, key: seg.key });
    }
    next.push(piece);
    segments = next.sort((a, b) => a.start - b.start);
  }
  return segments;
}

/** The parts of [start, end] that segments cover, with their keys, in line order. */
export function overlaps(
  segments: readonly Segment[],
  start: number,
  end: number,
): Array<{ key: string; lines: number }> {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((segments[mid]?.end ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  const found: Array<{ key: string; lines: number }> = [];
  for (let i = lo; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === undefined || seg.start > end) break;
    found.push({ key: seg.key, lines: Math.min(seg.end, end) - Math.max(seg.start, start) + 1 });
  }
  return found;
}
