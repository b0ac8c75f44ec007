import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readGoProfile } from '../../src/collect/coverage/go.js';
import { readIstanbul, readSimplecov } from '../../src/collect/coverage/json.js';
import { readLcov } from '../../src/collect/coverage/lcov.js';
import { sniffFormat } from '../../src/collect/coverage/sniff.js';
import { CoverageReadError, type CoverageSink, type LineHits } from '../../src/collect/coverage/types.js';
import { readXml } from '../../src/collect/coverage/xml.js';
import { readCoberturaScan } from '../../src/collect/coverage/cobertura-scan.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/coverage');

/** A sink that keeps every file under the path the report wrote. */
function collecting(): { sink: CoverageSink; files: Map<string, LineHits>; roots: string[] } {
  const files = new Map<string, LineHits>();
  const roots: string[] = [];
  return {
    files,
    roots,
    sink: {
      addRoot: (root) => roots.push(root),
      file: (path) => {
        let lines = files.get(path);
        if (lines === undefined) {
          lines = new Map();
          files.set(path, lines);
        }
        return lines;
      },
    },
  };
}

async function read(format: string, input: Readable, sink: CoverageSink): Promise<void> {
  switch (format) {
    case 'lcov':
      return readLcov(input, sink);
    case 'go':
      return readGoProfile(input, sink);
    case 'istanbul':
      return readIstanbul(input, sink, 'report');
    case 'simplecov':
      return readSimplecov(input, sink, 'report');
    case 'cobertura':
      return readCoberturaScan(input, sink, 'report');
    case 'jacoco':
    case 'clover':
      return readXml(input, sink, format, 'report');
    default:
      throw new Error(`unknown format ${format}`);
  }
}

const plain = (files: Map<string, LineHits>) =>
  Object.fromEntries(
    [...files].map(([path, lines]) => [path, Object.fromEntries([...lines].map(([n, h]) => [String(n), h]))]),
  );

describe('coverage readers on real-world edge cases (fixtures/coverage/<case>)', () => {
  const cases = readdirSync(FIXTURES).sort();
  it('has a fixture per edge case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });
  it.each(cases)('%s', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      report: string;
      format: string;
      files: Record<string, Record<string, number>>;
    };
    const file = join(FIXTURES, name, expected.report);
    // format detection works from the content alone (the name is deliberately withheld)
    expect(sniffFormat(readFileSync(file, 'utf8').slice(0, 8192), 'report')).toBe(expected.format);
    const { sink, files } = collecting();
    await read(expected.format, createReadStream(file), sink);
    expect(plain(files)).toEqual(expected.files);
  });

  it('cobertura <source> roots are handed to the path mapper', async () => {
    const { sink, roots } = collecting();
    await readXml(
      createReadStream(join(FIXTURES, 'cobertura-multi-source/coverage.xml')),
      sink,
      'cobertura',
      'r',
    );
    expect(roots).toEqual(['/home/runner/work/app/app/src', '/home/runner/work/app/app/lib']);
  });

  it('a JaCoCo DOCTYPE is never fetched (no network, no file access)', async () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE report SYSTEM "http://127.0.0.1:9/never.dtd"><report name="x"><package name="p"><sourcefile name="A.java"><line nr="1" mi="0" ci="1"/></sourcefile></package></report>';
    const { sink, files } = collecting();
    await readXml(Readable.from([xml]), sink, 'jacoco', 'r');
    expect(plain(files)).toEqual({ 'p/A.java': { '1': 1 } });
  });
});

describe('the Cobertura fast path', () => {
  it('reads what the full SAX parse reads, with every tag split across chunk edges', async () => {
    const file = join(FIXTURES, 'cobertura-multi-source/coverage.xml');
    const fast = collecting();
    const full = collecting();
    const bytes = readFileSync(file);
    await readCoberturaScan(Readable.from([...bytes].map((b) => Buffer.from([b]))), fast.sink, 'r');
    await readXml(createReadStream(file), full.sink, 'cobertura', 'r');
    expect(plain(fast.files)).toEqual(plain(full.files));
    expect(fast.roots).toEqual(['/home/runner/work/app/app/src', '/home/runner/work/app/app/lib']);
  });

  it('skips classes nobody asked for, and reports truncation', async () => {
    const asked: string[] = [];
    const skipping: CoverageSink = {
      addRoot: () => undefined,
      file: (path) => {
        asked.push(path);
        return null;
      },
    };
    await readCoberturaScan(
      Readable.from([
        '<coverage><packages><package><classes><class filename="a&amp;b.py"><lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>',
      ]),
      skipping,
      'r',
    );
    expect(asked).toEqual(['a&b.py']);
    const { sink } = collecting();
    await expect(
      readCoberturaScan(
        Readable.from(['<coverage><packages><package><classes><class filename="a"><lines>']),
        sink,
        'r',
      ),
    ).rejects.toBeInstanceOf(CoverageReadError);
    await expect(readCoberturaScan(Readable.from(['<coverage><packages>']), sink, 'r')).rejects.toThrow(
      'ends before </coverage>',
    );
  });

  it('skips unwanted classes whatever chunk edge splits their </class>', async () => {
    const unwanted = (n: number) =>
      `<class filename="skip${n}.py"><lines><line number="1" hits="9"/></lines></class>`;
    const xml = `<coverage><packages><package><classes>${unwanted(1)}<class filename="a.py"><lines><line number="1" hits="1"/></lines></class>${unwanted(2)}<class filename="a.py"><lines><line number="2" hits="3"/></lines></class>${unwanted(3)}</classes></package></packages></coverage>`;
    for (const size of [1, 2, 3, 5, 7, 8, 9, 13]) {
      const chunks = Array.from({ length: Math.ceil(xml.length / size) }, (_, i) =>
        Buffer.from(xml.slice(i * size, (i + 1) * size)),
      );
      const lines: LineHits = new Map();
      await readCoberturaScan(
        Readable.from(chunks),
        { addRoot: () => undefined, file: (path) => (path === 'a.py' ? lines : null) },
        'r',
      );
      expect([size, Object.fromEntries(lines)]).toEqual([size, { 1: 1, 2: 3 }]);
    }
  });

  describe('holds back at most maxPending bytes, then says what it waited for', () => {
    const KB64 = Buffer.alloc(64 * 1024, '<line number="1" hits="1"/>');
    /** The report's head, then up to 200 chunks of 64 KiB; counts the chunks the reader pulled. */
    function endless(head: string, body: Buffer = KB64) {
      const pulled = { chunks: 0 };
      const stream = Readable.from(
        (function* () {
          yield Buffer.from(head);
          for (; pulled.chunks < 200; pulled.chunks += 1) yield body;
        })(),
      );
      return { stream, pulled };
    }
    const wantAll: CoverageSink = { addRoot: () => undefined, file: () => new Map() };
    it.each([
      [
        'a wanted <class> never closed',
        '<coverage><packages><package><classes><class filename="a.py"><lines>',
        KB64,
        'not read: <class filename="a.py"> runs on without its </class> for 1 MiB',
      ],
      [
        'a <class start tag never ended',
        '<coverage><packages><package><classes><class filename="a.py" ',
        Buffer.alloc(64 * 1024, 'x '),
        'not read: a <class start tag runs on without its ">" for 1 MiB',
      ],
      [
        'an endless <source>',
        '<coverage><sources><source>',
        Buffer.alloc(64 * 1024, 'x '),
        'not read: the header runs on without a <class> element for 1 MiB',
      ],
    ])('%s', async (_, head, body, message) => {
      const { stream, pulled } = endless(head, body);
      await expect(readCoberturaScan(stream, wantAll, 'r', 1024 * 1024)).rejects.toThrow(message);
      expect(pulled.chunks).toBeLessThan(20);
    });

    it('a long header is dropped once read: each <source> is handed over once, memory stays bounded', async () => {
      const roots: string[] = [];
      const lines: LineHits = new Map();
      const spaces = Buffer.alloc(64 * 1024, ' ');
      const chunks = [
        Buffer.from('<coverage><sources><source>/a</source>'),
        ...Array.from({ length: 40 }, () => spaces),
        Buffer.from('<source>/b</source>'),
        ...Array.from({ length: 40 }, () => spaces),
        Buffer.from('<source>/c'),
        spaces,
        Buffer.from(
          '</source></sources><packages><package><classes><class filename="a.py"><lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>',
        ),
      ];
      await readCoberturaScan(
        Readable.from(chunks),
        { addRoot: (root) => roots.push(root), file: () => lines },
        'r',
        1024 * 1024,
      );
      expect(roots).toEqual(['/a', '/b', '/c']);
      expect(Object.fromEntries(lines)).toEqual({ 1: 1 });
    });
  });

  it('a <line> with an empty hits attribute is not measured (as a missing one), never a count of 0', async () => {
    const lines: LineHits = new Map();
    await readCoberturaScan(
      Readable.from([
        '<coverage><packages><package><classes><class filename="a.py"><lines><line number="1" hits=""/><line number="2" hits=" "/><line number="3"/><line number="4" hits="0"/></lines></class></classes></package></packages></coverage>',
      ]),
      { addRoot: () => undefined, file: () => lines },
      'r',
    );
    expect(Object.fromEntries(lines)).toEqual({ 4: 0 });
  });
});

describe('JaCoCo and Clover nesting', () => {
  it('a report nesting elements more than 256 deep is not read (the parser would hold them all)', async () => {
    const deep = (n: number) =>
      `<report name="x">${'<group name="g">'.repeat(n)}<package name="p"><sourcefile name="A.java"><line nr="1" ci="1"/></sourcefile></package>${'</group>'.repeat(n)}</report>`;
    const { sink, files } = collecting();
    await readXml(Readable.from([deep(250)]), sink, 'jacoco', 'r');
    expect(plain(files)).toEqual({ 'p/A.java': { '1': 1 } });
    await expect(readXml(Readable.from([deep(300)]), collecting().sink, 'jacoco', 'r')).rejects.toThrow(
      'r: not read: elements nest more than 256 deep',
    );
  });
});

describe('readers never throw anything but their own diagnostic (fast-check)', () => {
  const formats = ['lcov', 'go', 'istanbul', 'simplecov', 'cobertura', 'jacoco', 'clover'] as const;
  const text = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc
      .array(
        fc.constantFrom(
          'SF:a.ts\n',
          'DA:1,1\n',
          'DA:x,\n',
          'end_of_record\n',
          '<line number="1" hits="x"/>',
          '<class filename="a">',
          '{"a":',
          '[1,null',
          'mode: set\n',
          'a.go:1.1,2.2 1 1\n',
          '</',
          '\uFEFF',
          '\r\n',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join('')),
  );
  it.each(formats)('%s', async (format) => {
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const { sink } = collecting();
        try {
          await read(format, Readable.from([input]), sink);
        } catch (error) {
          expect(error).toBeInstanceOf(CoverageReadError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
