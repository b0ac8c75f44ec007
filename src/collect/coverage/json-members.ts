import type { Readable } from 'node:stream';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const BOM = [0xef, 0xbb, 0xbf];

/** One member larger than this is not a coverage entry; the read stops there, in bounded memory. */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/** Why a document is not a JSON object of members; the message says where. */
export class JsonShapeError extends Error {}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Streams the members of a top-level JSON object as `[key, value]`, each parsed by JSON.parse on its
 * own bytes: the bytes are scanned once (strings skipped with a native search), so the cost is linear
 * whatever the line length, and memory is bounded by one member (MAX_MEMBER_BYTES). What the members
 * hold is checked by JSON.parse; the structure between them by the scan.
 */
export async function* jsonMembers(input: Readable): AsyncGenerator<[string, unknown]> {
  let depth = 0;
  let inString = false;
  let started = false;
  let ended = false;
  let pieces: Buffer[] = [];
  let held = 0;
  let offset = 0;
  /** Backslashes that ended the previous chunk inside a string: they escape a quote that opens this one. */
  let carrySlashes = 0;
  const member = (): [string, unknown] | null => {
    const text = Buffer.concat(pieces).toString('utf8').trim();
    pieces = [];
    held = 0;
    if (text === '') return null;
    const parsed = JSON.parse(`{${text}}`) as Record<string, unknown>;
    const [entry] = Object.entries(parsed);
    return entry ?? null;
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let from = 0;
    let i = 0;
    if (!started) {
      // A byte-order mark (its bytes may arrive in separate chunks), then white space.
      while (i < buf.length && offset + i < 3 && buf[i] === BOM[offset + i]) i++;
      while (i < buf.length && isSpace(buf[i] ?? 0)) i++;
      if (i === buf.length) {
        offset += buf.length;
        continue;
      }
      if (buf[i] !== OPEN_OBJECT) throw new JsonShapeError(`expected "{" at byte ${offset + i}`);
      started = true;
      depth = 1;
      i += 1;
      from = i;
    }
    for (; i < buf.length; i++) {
      if (inString) {
        const quote = buf.indexOf(QUOTE, i);
        if (quote === -1) {
          i = buf.length;
          break;
        }
        // An escaped quote has an odd run of backslashes before it (the run may start in the last chunk).
        let slashes = 0;
        let j = quote - 1;
        for (; j >= 0 && buf[j] === BACKSLASH; j--) slashes++;
        if (j < 0) slashes += carrySlashes;
        i = quote;
        if (slashes % 2 === 0) inString = false;
        continue;
      }
      const byte = buf[i] ?? 0;
      if (ended) {
        if (!isSpace(byte))
          throw new JsonShapeError(`unexpected bytes after the object at byte ${offset + i}`);
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) {
          pieces.push(buf.subarray(from, i));
          const entry = member();
          if (entry !== null) yield entry;
          ended = true;
          from = i + 1;
        }
      } else if (byte === COMMA && depth === 1) {
        pieces.push(buf.subarray(from, i));
        const entry = member();
        if (entry !== null) yield entry;
        from = i + 1;
      }
    }
    carrySlashes = 0;
    if (inString) {
      const end = buf.length;
      let k = end - 1;
      while (k >= 0 && buf[k] === BACKSLASH) k--;
      carrySlashes = end - 1 - k + (k < 0 ? carrySlashes : 0);
    }
    if (!ended && from < buf.length) {
      held += buf.length - from;
      if (held > MAX_MEMBER_BYTES)
        throw new JsonShapeError(
          `a member longer than ${MAX_MEMBER_BYTES / 1024 / 1024} MiB near byte ${offset}`,
        );
      pieces.push(Buffer.from(buf.subarray(from)));
    }
    offset += buf.length;
  }
  if (!started) throw new JsonShapeError('no JSON object in it');
  if (!ended) throw new JsonShapeError('the object never closes (truncated?)');
}
