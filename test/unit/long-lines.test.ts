import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readGoProfile } from '../../src/collect/coverage/go.js';
import { readIstanbul } from '../../src/collect/coverage/json.js';
import { readLcov } from '../../src/collect/coverage/lcov.js';
import type { CoverageSink, LineHits } from '../../src/collect/coverage/types.js';
import { splitBatches, splitStream } from '../../src/collect/split-stream.js';

/** Feeds `text` in chunks of `size` bytes, as a file or a pipe would. */
function chunked(text: string | Buffer, size: number): Readable {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

async function records(input: Readable, options?: Parameters<typeof splitStream>[2]): Promise<string[]> {
  const out: string[] = [];
  for await (const record of splitStream(input, '\0', options)) out.push(record);
  return out;
}

function collecting(): { sink: CoverageSink; files: Map<string, LineHits> } {
  const files = new Map<string, LineHits>();
  return {
    files,
    sink: {
      addRoot: () => {},
      file: (path) => {
        const lines = files.get(path) ?? new Map<number, number>();
        files.set(path, lines);
        return lines;
      },
    },
  };
}

async function batches4096(text: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of splitBatches(chunked(text, 4096), '\0')) out.push(batch);
  return out;
}

const plain = (files: Map<string, LineHits>) => Object.fromEntries([...files].map(([p, l]) => [p, [...l]]));

describe('splitStream', () => {
  it('keeps a record spanning many chunks whole, and multi-byte characters split across chunk edges', async () => {
    const long = 'é€😀'.repeat(20_000);
    const text = `a\0${long}\0\0tail`;
    for (const size of [1, 2, 3, 7, 4096]) {
      expect(await records(chunked(text, size))).toEqual(['a', long, '', 'tail']);
    }
  });

  it('drops a record past maxRecord without holding it, says so, and reads on', async () => {
    const dropped: number[] = [];
    const text = `short\0${'x'.repeat(10_000)}\0after\0${'y'.repeat(5_000)}`;
    const out = await records(chunked(text, 100), { maxRecord: 1000, onDropped: (n) => dropped.push(n) });
    expect(out).toEqual(['short', 'after']);
    expect(dropped).toEqual([10_000, 5_000]);
  });

  it('splitBatches gives the same records a chunk at a time, none of its batches empty', async () => {
    const text = `a\0bé\0\0${'c'.repeat(50)}\0last`;
    for (const size of [1, 3, 16, 4096]) {
      const batches: string[][] = [];
      for await (const batch of splitBatches(chunked(text, size), '\0')) batches.push(batch);
      expect(batches.flat()).toEqual(['a', 'bé', '', 'c'.repeat(50), 'last']);
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      // One batch per chunk that ends a record, at most: the async machinery runs once per chunk.
      expect(batches.length).toBeLessThanOrEqual(Math.ceil(Buffer.byteLength(text) / size) + 1);
    }
    // One chunk: its records in one batch, and the unterminated last record at the end.
    await expect(batches4096(text)).resolves.toEqual([['a', 'bé', '', 'c'.repeat(50)], ['last']]);
  });
});

describe('line readers on long lines', () => {
  const lcov = 'SF:src/a.ts\nDA:1,1\nDA:2,0\nend_of_record\nSF:src/b.ts\nDA:7,3\nend_of_record\n';

  it('LCOV: a 3 MiB line of junk between records is skipped; the records around it read as without it', async () => {
    const clean = collecting();
    await readLcov(chunked(lcov, 64 * 1024), clean.sink);
    const junk = `${lcov.slice(0, 40)}${'Z'.repeat(3 << 20)}\n${lcov.slice(40)}`;
    for (const size of [1 << 20, 64 * 1024]) {
      const dirty = collecting();
      await readLcov(chunked(junk, size), dirty.sink);
      expect(plain(dirty.files)).toEqual(plain(clean.files));
    }
  });

  it('LCOV: a record line split across chunk edges reads as one line', async () => {
    const clean = collecting();
    await readLcov(chunked(lcov, 1 << 20), clean.sink);
    for (const size of [1, 3, 5]) {
      const split = collecting();
      await readLcov(chunked(lcov, size), split.sink);
      expect(plain(split.files)).toEqual(plain(clean.files));
    }
  });

  it('LCOV: 20 MB with no newline names no file (the caller reports it as not a report)', async () => {
    const { sink, files } = collecting();
    await readLcov(chunked(Buffer.alloc(20 << 20, 'DA:1,1 '), 1 << 20), sink);
    expect(files.size).toBe(0);
  });

  it('Go: a huge line is skipped and the blocks around it are read', async () => {
    const profile = 'mode: set\nm/a.go:1.1,2.5 1 1\n';
    const clean = collecting();
    await readGoProfile(chunked(profile, 1024), clean.sink);
    const dirty = collecting();
    await readGoProfile(
      chunked(`mode: set\n${'q'.repeat(2 << 20)}\nm/a.go:1.1,2.5 1 1\n`, 65536),
      dirty.sink,
    );
    expect(plain(dirty.files)).toEqual(plain(clean.files));
    expect(plain(clean.files)).toEqual({
      'm/a.go': [
        [1, 1],
        [2, 1],
      ],
    });
  });
});

describe('Istanbul JSON read member by member', () => {
  const entry = (n: number) => ({
    path: `src/f${n} "quoted\\" \\.ts`,
    statementMap: Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        String(i),
        { start: { line: i + 1, column: 0 }, end: { line: i + 1, column: 5 } },
      ]),
    ),
    s: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [String(i), (n + i) % 3])),
  });
  const report = Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`k${n}`, entry(n)]));

  it('a single-line report gives the same answer as a pretty-printed one, whatever the chunking', async () => {
    const pretty = collecting();
    await readIstanbul(chunked(JSON.stringify(report, null, 2), 1 << 16), pretty.sink, 'pretty.json');
    expect(pretty.files.size).toBe(40);
    for (const size of [1, 7, 4096, 1 << 20]) {
      const single = collecting();
      await readIstanbul(chunked(`\uFEFF${JSON.stringify(report)}`, size), single.sink, 'single.json');
      expect(plain(single.files)).toEqual(plain(pretty.files));
    }
  });

  it.each([
    ['garbage', Buffer.from('\x00\x01 not json at all'), /not valid JSON \(expected "\{" at byte 0\)/],
    [
      'a truncated report',
      Buffer.from(JSON.stringify(report).slice(0, 5000)),
      /not valid JSON \(the object never closes/,
    ],
    [
      'bytes after the object',
      Buffer.from(`${JSON.stringify(report)} trailing`),
      /unexpected bytes after the object/,
    ],
    ['a broken member', Buffer.from('{"a": {"statementMap": {,}}}'), /not valid JSON/],
    [
      'an endless string',
      Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(70 << 20, 'x')]),
      /a member longer than 64 MiB/,
    ],
  ])('%s ends with a clear error naming the report', async (_name, bytes, message) => {
    const { sink } = collecting();
    await expect(readIstanbul(chunked(bytes, 1 << 20), sink, 'coverage-final.json')).rejects.toThrow(message);
    await expect(readIstanbul(chunked(bytes, 1 << 20), sink, 'coverage-final.json')).rejects.toThrow(
      /^coverage-final.json: /,
    );
  });
});
