import type { Readable } from 'node:stream';
import Assembler from 'stream-json/assembler.js';
import { parser as jsonParser } from 'stream-json';
import { jsonMembers } from './json-members.js';
import { addHits, CoverageReadError, type CoverageSink } from './types.js';

interface Token {
  name: string;
  value?: string;
}

/**
 * Streams `[key, value]` for every object member whose key path matches `wanted`, assembling only those
 * values; the rest of the document passes through as tokens, so memory is bounded by one entry.
 */
export async function* jsonEntries(
  input: Readable,
  wanted: (path: readonly string[]) => boolean,
): AsyncGenerator<[string, unknown]> {
  const tokens = input.pipe(jsonParser.asStream({ streamValues: false, packValues: true }));
  const path: string[] = [];
  const containers: Array<'object' | 'array'> = [];
  let key: string | null = null;
  let assembler: Assembler | null = null;
  let entry = '';
  for await (const token of tokens as AsyncIterable<Token>) {
    if (assembler !== null) {
      assembler.consume(token as never);
      if (assembler.done) {
        yield [entry, assembler.current];
        assembler = null;
      }
      continue;
    }
    switch (token.name) {
      case 'keyValue':
        key = token.value ?? '';
        break;
      case 'startObject':
      case 'startArray': {
        if (key !== null && wanted([...path, key])) {
          assembler = new Assembler();
          entry = key;
          assembler.consume(token as never);
          key = null;
          break;
        }
        if (containers.length > 0) path.push(key ?? '[]');
        containers.push(token.name === 'startObject' ? 'object' : 'array');
        key = null;
        break;
      }
      case 'endObject':
      case 'endArray':
        containers.pop();
        if (containers.length > 0) path.pop();
        break;
      default:
        key = null;
    }
  }
}

interface IstanbulFile {
  path?: string;
  statementMap?: Record<string, { start?: { line?: number } }>;
  s?: Record<string, number>;
}

/**
 * Istanbul `coverage-final.json`: one member per file, each parsed on its own (jsonMembers: linear,
 * bounded by one member; the token stream took 40 s for 32 MB). A line's count is the largest count of the
 * statements that start on it (what istanbul's own `getLineCoverage` does).
 */
export async function readIstanbul(input: Readable, sink: CoverageSink, report: string): Promise<void> {
  try {
    for await (const [key, value] of jsonMembers(input)) {
      const file = value as IstanbulFile;
      if (file === null || typeof file !== 'object' || file.statementMap === undefined) continue;
      const lines = sink.file(typeof file.path === 'string' ? file.path : key);
      if (lines === null) continue;
      const best = new Map<number, number>();
      for (const [id, statement] of Object.entries(file.statementMap)) {
        const line = statement.start?.line;
        const count = file.s?.[id];
        if (typeof line !== 'number' || typeof count !== 'number') continue;
        best.set(line, Math.max(best.get(line) ?? 0, count));
      }
      for (const [line, count] of best) addHits(lines, line, count);
    }
  } catch (error) {
    throw new CoverageReadError(
      report,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * SimpleCov `.resultset.json`: `{suite: {coverage: {file: [hits|null...] | {lines: [...], branches}}}}`;
 * several suites add up. Index i is line i + 1; null is not measured.
 */
export async function readSimplecov(input: Readable, sink: CoverageSink, report: string): Promise<void> {
  try {
    for await (const [file, value] of jsonEntries(
      input,
      (path) => path.length === 3 && path[1] === 'coverage',
    )) {
      const counts = Array.isArray(value) ? value : (value as { lines?: unknown } | null)?.lines;
      if (!Array.isArray(counts)) continue;
      const lines = sink.file(file);
      if (lines === null) continue;
      counts.forEach((count, index) => {
        if (typeof count === 'number') addHits(lines, index + 1, count);
      });
    }
  } catch (error) {
    throw new CoverageReadError(
      report,
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
