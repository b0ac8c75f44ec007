import type { Readable } from 'node:stream';
import { splitStream } from '../git-runner.js';
import { addHits, type CoverageSink, type LineHits } from './types.js';

/**
 * LCOV tracefiles (`SF:`, `DA:line,hits[,checksum]`, `end_of_record`). Repeated `SF` blocks add up;
 * unknown records (`FN`, `BRDA` with `-`, `TN`, ...) are skipped; BOM and CRLF are tolerated; counts such
 * as `1e+0` are numbers.
 */
export async function readLcov(input: Readable, sink: CoverageSink): Promise<void> {
  let current: LineHits | null = null;
  let first = true;
  for await (let line of splitStream(input, '\n')) {
    if (first) {
      line = line.replace(/^\uFEFF/, '');
      first = false;
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('SF:')) {
      current = sink.file(line.slice(3).trim());
    } else if (line.startsWith('DA:')) {
      if (current === null) continue;
      const [number = '', hits = ''] = line.slice(3).split(',');
      addHits(current, Number(number), Number(hits));
    } else if (line.startsWith('end_of_record')) {
      current = null;
    }
  }
}
