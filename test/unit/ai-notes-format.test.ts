import { describe, expect, it } from 'vitest';
import {
  attestedSegments,
  overlaps,
  parseAuthorshipNote,
  parseRanges,
  resolveKey,
  type AuthorshipNote,
} from '../../src/assess/ai-notes-format.js';
import { parseIncrementalBlame, unquotePath } from '../../src/collect/blame.js';

const META = (extra = '') =>
  `{\n  "schema_version": "authorship/3.0.0",\n  "base_commit_sha": "7734793b756b3921c88db5375a8c156e9532447b",\n  "prompts": {\n    "abcd1234abcd1234": {"agent_id": {"tool": "cursor", "id": "6ef2", "model": "claude-4.5-opus"}},\n    "efab5678efab5678": {"agent_id": {"tool": "claude-code", "id": "a1b2", "model": "sonnet"}}\n  }${extra}\n}`;

function ok(text: string): AuthorshipNote {
  const parsed = parseAuthorshipNote(text);
  if (parsed.status !== 'ok') throw new Error(`expected ok, got line ${parsed.line}: ${parsed.message}`);
  return parsed.note;
}

describe('line ranges', () => {
  it.each([
    ['42', [[42, 42]]],
    ['19-222', [[19, 222]]],
    [
      '1-10,15,20-25',
      [
        [1, 10],
        [15, 15],
        [20, 25],
      ],
    ],
    [
      '1,2,19-222,300,',
      [
        [1, 1],
        [2, 2],
        [19, 222],
        [300, 300],
      ],
    ],
  ])('%s', (text, expected) => {
    expect(parseRanges(text)).toEqual(expected);
  });

  it.each(['', 'a', '0', '5-3', '1-', '-4', '1;2', '3-4-5', '99999999999'])('rejects %j', (text) => {
    expect(parseRanges(text)).toBeNull();
  });
});

describe('git-ai authorship notes (v3)', () => {
  it('reads several files, several keys per file, and the agents of the keys', () => {
    const note = ok(
      `src/main.rs\n  abcd1234abcd1234 1-10,15-20\n  efab5678efab5678 25,30-35\nsrc/lib.rs\n  abcd1234abcd1234 1-50\n---\n${META()}\n`,
    );
    expect(note.schemaVersion).toBe('authorship/3.0.0');
    expect(note.baseCommitSha).toBe('7734793b756b3921c88db5375a8c156e9532447b');
    expect(note.files.map((f) => f.path)).toEqual(['src/main.rs', 'src/lib.rs']);
    expect(note.files[0]?.entries).toEqual([
      {
        key: 'abcd1234abcd1234',
        ranges: [
          [1, 10],
          [15, 20],
        ],
        line: 2,
      },
      {
        key: 'efab5678efab5678',
        ranges: [
          [25, 25],
          [30, 35],
        ],
        line: 3,
      },
    ]);
    expect(resolveKey(note, 'abcd1234abcd1234')).toEqual({
      kind: 'ai',
      tool: 'cursor',
      model: 'claude-4.5-opus',
    });
    expect(resolveKey(note, 'efab5678efab5678')).toEqual({
      kind: 'ai',
      tool: 'claude-code',
      model: 'sonnet',
    });
  });

  it('unwraps quoted paths (paths with spaces) and merges a path listed twice', () => {
    const note = ok(
      `"src/my file.rs"\n  abcd1234abcd1234 1-10\n"docs/README (copy).md"\n  abcd1234abcd1234 5\nsrc/my file.rs\n  efab5678efab5678 12\n---\n${META()}`,
    );
    expect(note.files.map((f) => [f.path, f.entries.length])).toEqual([
      ['src/my file.rs', 2],
      ['docs/README (copy).md', 1],
    ]);
  });

  it('routes session keys (s_…::t_…) to sessions and h_ keys to humans', () => {
    const note = ok(
      `a.ts\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10\n  h_a1b2c3d4e5f678 11-12\n  0123456789abcdef 13\n---\n${META(
        ',\n  "humans": {"h_a1b2c3d4e5f678": {"author": "Alice"}},\n  "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "codex", "id": "x", "model": "gpt-5"}}}',
      )}`,
    );
    expect(resolveKey(note, 's_c9883b05a2487d::t_9f8e7d6c5b4a32')).toEqual({
      kind: 'ai',
      tool: 'codex',
      model: 'gpt-5',
    });
    expect(resolveKey(note, 'h_a1b2c3d4e5f678')).toEqual({ kind: 'human' });
    // A key whose prompt record lives in another note: still AI, tool unknown here.
    expect(resolveKey(note, '0123456789abcdef')).toEqual({ kind: 'ai', tool: null, model: null });
  });

  it('accepts CRLF line ends, blank lines and a note without attestations', () => {
    const note = ok(`\r\nsrc/a.ts\r\n  abcd1234abcd1234 3-4\r\n\r\n---\r\n${META()}`);
    expect(note.files[0]?.entries[0]?.ranges).toEqual([[3, 4]]);
    expect(ok(`---\n${META()}`).files).toEqual([]);
  });

  it.each([
    ['no divider', `src/a.ts\n  abcd1234abcd1234 1-3\n`, 3, /no `---` line/],
    ['an entry before any path', `  abcd1234abcd1234 1-3\n---\n${META()}`, 1, /before any file path/],
    [
      'bad ranges',
      `src/a.ts\n  abcd1234abcd1234 1-3\n  abcd1234abcd1234 x-9\n---\n${META()}`,
      3,
      /bad line ranges "x-9"/,
    ],
    ['a key without ranges', `src/a.ts\n  abcd1234abcd1234\n---\n${META()}`, 2, /expected "<key> <ranges>"/],
    ['broken JSON', `src/a.ts\n  abcd1234abcd1234 1\n---\n{"schema_version": `, 4, /not valid JSON/],
    ['JSON that is not an object', `---\n[1, 2]`, 2, /not a JSON object/],
    ['no schema_version', `---\n{"prompts": {}}`, 2, /no schema_version/],
    ['another major version', `---\n{"schema_version": "authorship/2.0.0"}`, 2, /not authorship\/3\.x/],
  ])('names the line of %s', (_name, text, line, message) => {
    const parsed = parseAuthorshipNote(text);
    expect(parsed.status).toBe('malformed');
    if (parsed.status !== 'malformed') return;
    expect(parsed.line).toBe(line);
    expect(parsed.message).toMatch(message);
  });

  it('lets a later entry win where entries overlap, and counts overlaps exactly', () => {
    const note = ok(`a.ts\n  aaaaaaaaaaaaaaaa 1-10\n  bbbbbbbbbbbbbbbb 4-6,20\n---\n${META()}`);
    const file = note.files[0];
    if (file === undefined) throw new Error('no file');
    const segments = attestedSegments(file);
    expect(segments).toEqual([
      { start: 1, end: 3, key: 'aaaaaaaaaaaaaaaa' },
      { start: 4, end: 6, key: 'bbbbbbbbbbbbbbbb' },
      { start: 7, end: 10, key: 'aaaaaaaaaaaaaaaa' },
      { start: 20, end: 20, key: 'bbbbbbbbbbbbbbbb' },
    ]);
    expect(overlaps(segments, 2, 8)).toEqual([
      { key: 'aaaaaaaaaaaaaaaa', lines: 2 },
      { key: 'bbbbbbbbbbbbbbbb', lines: 3 },
      { key: 'aaaaaaaaaaaaaaaa', lines: 2 },
    ]);
    expect(overlaps(segments, 11, 19)).toEqual([]);
    expect(overlaps(segments, 15, 25)).toEqual([{ key: 'bbbbbbbbbbbbbbbb', lines: 1 }]);
  });
});

describe('git blame --incremental', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  it('reads runs (details only the first time a commit appears) and unquotes paths', () => {
    const runs = parseIncrementalBlame(
      [
        `${A} 3 5 2`,
        'author X',
        'summary two',
        'previous cccc f.txt',
        'filename src/f.ts',
        `${B} 1 1 4`,
        'boundary',
        'filename "old/na\\303\\257ve\\tname.ts"',
        `${A} 9 12 1`,
        'filename src/f.ts',
        '',
      ].join('\n'),
    );
    expect(runs).toEqual([
      { sha: B, origStart: 1, finalStart: 1, count: 4, origPath: 'old/naïve\tname.ts' },
      { sha: A, origStart: 3, finalStart: 5, count: 2, origPath: 'src/f.ts' },
      { sha: A, origStart: 9, finalStart: 12, count: 1, origPath: 'src/f.ts' },
    ]);
  });

  it('leaves unquoted paths alone', () => {
    expect(unquotePath('src/my file.ts')).toBe('src/my file.ts');
    expect(unquotePath('"a\\"b\\\\c"')).toBe('a"b\\c');
  });
});
