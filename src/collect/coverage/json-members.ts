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

/** The scan's state between chunks. */
class MemberScanner {
  private depth = 0;
  private inString = false;
  private started = false;
  ended = false;
  private pieces: Buffer[] = [];
  private held = 0;
  private offset = 0;
  /** Backslashes that ended the previous chunk inside a string: they escape a quote that opens this one. */
  private carrySlashes = 0;

  private member(out: Array<[string, unknown]>): void {
    const text = Buffer.concat(this.pieces).toString('utf8').trim();
    this.pieces = [];
    this.held = 0;
    if (text === '') return;
    const [entry] = Object.entries(JSON.parse(`{${text}}`) as Record<string, unknown>);
    if (entry !== undefined) out.push(entry);
  }

  /** Skips a byte-order mark (its bytes may arrive in separate chunks) and white space; where the object starts. */
  private start(buf: Buffer): number {
    let i = 0;
    while (i < buf.length && this.offset + i < 3 && buf[i] === BOM[this.offset + i]) i++;
    while (i < buf.length && isSpace(buf[i] ?? 0)) i++;
    if (i === buf.length) return -1;
    if (buf[i] !== OPEN_OBJECT) throw new JsonShapeError(`expected "{" at byte ${this.offset + i}`);
    this.started = true;
    this.depth = 1;
    return i + 1;
  }

  /** The index of the quote that closes the string, or -1 when it goes on past this chunk. */
  private stringEnd(buf: Buffer, from: number): number {
    for (let at = from; ; at += 1) {
      const quote = buf.indexOf(QUOTE, at);
      if (quote === -1) return -1;
      // An escaped quote has an odd run of backslashes before it (the run may start in the last chunk).
      let slashes = 0;
      let j = quote - 1;
      for (; j >= 0 && buf[j] === BACKSLASH; j--) slashes++;
      if (j < 0) slashes += this.carrySlashes;
      if (slashes % 2 === 0) return quote;
      at = quote;
    }
  }

  /** Scans one chunk; returns the members it completed. */
  scan(buf: Buffer): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    let i = 0;
    if (!this.started) {
      i = this.start(buf);
      if (i === -1) {
        this.offset += buf.length;
        return out;
      }
    }
    let from = i;
    for (; i < buf.length; i++) {
      if (this.inString) {
        const end = this.stringEnd(buf, i);
        if (end === -1) break;
        i = end;
        this.inString = false;
        continue;
      }
      const byte = buf[i] ?? 0;
      if (this.ended) {
        if (!isSpace(byte))
          throw new JsonShapeError(`unexpected bytes after the object at byte ${this.offset + i}`);
      } else if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) this.depth++;
      else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --this.depth === 0) {
        this.pieces.push(buf.subarray(from, i));
        this.member(out);
        this.ended = true;
      } else if (byte === COMMA && this.depth === 1) {
        this.pieces.push(buf.subarray(from, i));
        this.member(out);
        from = i + 1;
      }
    }
    this.hold(buf, from);
    return out;
  }

  private hold(buf: Buffer, from: number): void {
    let k = buf.length - 1;
    while (k >= 0 && buf[k] === BACKSLASH) k--;
    this.carrySlashes = this.inString ? buf.length - 1 - k + (k < 0 ? this.carrySlashes : 0) : 0;
    if (!this.ended && from < buf.length) {
      this.held += buf.length - from;
      if (this.held > MAX_MEMBER_BYTES)
        throw new JsonShapeError(
          `a member longer than ${MAX_MEMBER_BYTES / 1024 / 1024} MiB near byte ${this.offset}`,
        );
      this.pieces.push(Buffer.from(buf.subarray(from)));
    }
    this.offset += buf.length;
  }

  finish(): void {
    if (!this.started) throw new JsonShapeError('no JSON object in it');
    if (!this.ended) throw new JsonShapeError('the object never closes (truncated?)');
  }
}

/**
 * Streams the members of a top-level JSON object as `[key, value]`, each parsed by JSON.parse on its
 * own bytes: the bytes are scanned once (strings skipped with a native search), so the cost is linear
 * whatever the line length, and memory is bounded by one member (MAX_MEMBER_BYTES). What the members
 * hold is checked by JSON.parse; the structure between them by the scan.
 */
export async function* jsonMembers(input: Readable): AsyncGenerator<[string, unknown]> {
  const scanner = new MemberScanner();
  for await (const chunk of input) {
    yield* scanner.scan(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  scanner.finish();
}
