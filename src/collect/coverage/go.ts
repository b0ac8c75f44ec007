import type { Readable } from 'node:stream';
import { splitStream } from '../split-stream.js';
import { addHits, type CoverageSink } from './types.js';

/** A coverprofile line names a file and four numbers; one past this is not one, and is skipped unheld. */
const MAX_LINE = 64 * 1024;

const BLOCK = /^(.+):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$/;

/**
 * Go coverprofiles (`mode: set|count|atomic`, then `file:l1.c1,l2.c2 stmts count`). Every line a block
 * spans is measured; overlapping blocks and repeated profiles add up, so a line is covered if any block
 * over it ran. Import paths are mapped to repo paths later, using go.mod.
 */
export async function readGoProfile(input: Readable, sink: CoverageSink): Promise<void> {
  for await (const raw of splitStream(input, '\n', { maxRecord: MAX_LINE })) {
    const line = raw.trim();
    if (line === '' || line.startsWith('mode:')) continue;
    const block = BLOCK.exec(line);
    if (block === null) continue;
    const [, file = '', start = '0', end = '0', , count = '0'] = block;
    const lines = sink.file(file);
    if (lines === null) continue;
    const from = Number(start);
    const to = Math.min(Number(end), from + 100_000);
    for (let n = from; n <= to; n++) addHits(lines, n, Number(count));
  }
}
