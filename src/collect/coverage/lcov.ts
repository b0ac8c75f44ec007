import type { Readable } from 'node:stream';
import { addHits, type CoverageSink, type LineHits } from './types.js';

const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
/** No LCOV record is near this long (an `SF:` path is at most a few KiB); a longer line is skipped unheld. */
const MAX_LINE = 1 << 20;

/** Parses a decimal integer from bytes; NaN when anything but digits is there (then the slow path). */
function digits(buf: Buffer, from: number, to: number): number {
  if (from >= to) return NaN;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = (buf[i] ?? 0) - 0x30;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

function startsWith(buf: Buffer, at: number, end: number, text: string): boolean {
  if (end - at < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * LCOV tracefiles (`SF:`, `DA:line,hits[,checksum]`, `end_of_record`), read as bytes: a `DA` record of a
 * file nobody asked about costs three byte compares, and no string is made per line, so a 200 MB
 * report streams in bounded memory. Repeated `SF` blocks add up; unknown records (`FN`, `BRDA` with `-`,
 * `TN`, ...) are skipped; BOM and CRLF are tolerated; counts such as `1e+0` are numbers.
 */
export async function readLcov(input: Readable, sink: CoverageSink): Promise<void> {
  let current: LineHits | null = null;
  let first = true;

  const line = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === CR) end -= 1;
    if (first) {
      first = false;
      if (buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (buf[start] === 0x44 && buf[start + 1] === 0x41 && buf[start + 2] === 0x3a) {
      // DA:<line>,<hits>[,<checksum>]
      if (current === null) return;
      const comma = buf.indexOf(COMMA, start + 3);
      if (comma === -1 || comma >= end) return;
      let hitsEnd = buf.indexOf(COMMA, comma + 1);
      if (hitsEnd === -1 || hitsEnd > end) hitsEnd = end;
      const number = digits(buf, start + 3, comma);
      let hits = digits(buf, comma + 1, hitsEnd);
      if (Number.isNaN(hits)) {
        const text = buf.toString('latin1', comma + 1, hitsEnd).trim();
        hits = text === '' ? NaN : Number(text);
      }
      addHits(
        current,
        Number.isNaN(number) ? Number(buf.toString('latin1', start + 3, comma).trim()) : number,
        hits,
      );
    } else if (startsWith(buf, start, end, 'SF:')) {
      current = sink.file(buf.toString('utf8', start + 3, end).trim());
    } else if (startsWith(buf, start, end, 'end_of_record')) {
      current = null;
    }
  };

  // A line that spans chunks is held as pieces and joined once at its newline (concatenating the held
  // bytes with every new chunk made one long line quadratic); past MAX_LINE it is dropped unheld.
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    let newline = buf.indexOf(NL, start);
    if (newline !== -1 && heldBytes > 0) {
      if (heldBytes <= MAX_LINE) {
        const joined = Buffer.concat([...held, buf.subarray(0, newline)]);
        line(joined, 0, joined.length);
      }
      held = [];
      heldBytes = 0;
      start = newline + 1;
      newline = buf.indexOf(NL, start);
    }
    while (newline !== -1) {
      line(buf, start, newline);
      start = newline + 1;
      newline = buf.indexOf(NL, start);
    }
    if (start < buf.length) {
      heldBytes += buf.length - start;
      if (heldBytes > MAX_LINE) held = [];
      else held.push(Buffer.from(buf.subarray(start)));
    }
  }
  if (heldBytes > 0 && heldBytes <= MAX_LINE) {
    const joined = Buffer.concat(held);
    line(joined, 0, joined.length);
  }
}
