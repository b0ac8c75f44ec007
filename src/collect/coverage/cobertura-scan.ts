import type { Readable } from 'node:stream';
import { readClass } from './cobertura-class.js';
import { CoverageReadError, type CoverageSink } from './types.js';

const CLASS_OPEN = Buffer.from('<class');
const CLASS_CLOSE = Buffer.from('</class>');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) =>
    name.startsWith('#x') || name.startsWith('#X')
      ? String.fromCodePoint(parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (ENTITIES[name.toLowerCase()] ?? `&${name};`),
  );
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  if (match === null) return undefined;
  return decodeEntities(match[2] ?? match[3] ?? '');
}

/** Where the scan stands between chunks: the unconsumed bytes and what has been seen so far. */
interface ScanState {
  buf: Buffer;
  header: boolean;
  skipping: boolean;
  sawClass: boolean;
  sawRoot: boolean;
  sourcesSeen: number;
}

/** How many bytes at the end of `buf` are the start of `token` (at most its length - 1). */
function splitPrefix(buf: Buffer, token: Buffer): number {
  for (let n = Math.min(token.length - 1, buf.length); n > 0; n -= 1) {
    if (buf.subarray(buf.length - n).equals(token.subarray(0, n))) return n;
  }
  return 0;
}

/** Skips the rest of an unwanted class; false when its `</class>` has not arrived yet. */
function skipToClassEnd(state: ScanState): boolean {
  const close = state.buf.indexOf(CLASS_CLOSE);
  if (close === -1) {
    // keep only bytes that may begin a "</class>" split across chunks (mostly none, so the next chunk
    // is searched where it lies instead of being copied behind a tail)
    state.buf = state.buf.subarray(state.buf.length - splitPrefix(state.buf, CLASS_CLOSE));
    return false;
  }
  state.buf = state.buf.subarray(close + CLASS_CLOSE.length);
  state.skipping = false;
  return true;
}

/** Reads the root and `<source>` roots before the first class; true when it must wait for more input. */
function scanHeader(state: ScanState, sink: CoverageSink, open: number, final: boolean): boolean {
  const region = open === -1 ? state.buf : state.buf.subarray(0, open);
  const text = region.toString('utf8');
  if (/<coverage\b/.test(text)) state.sawRoot = true;
  // The header is re-scanned as it grows; only sources not handed over yet are added.
  const sources = [...text.matchAll(/<source>([\s\S]*?)<\/source>/g)];
  for (const match of sources.slice(state.sourcesSeen)) sink.addRoot(decodeEntities(match[1] ?? '').trim());
  state.sourcesSeen = sources.length;
  if (open === -1 && !final) {
    // wait for more, unless the header region is already big (then drop what was scanned)
    const lastSource = text.lastIndexOf('<source>');
    if (lastSource === -1 && state.buf.length > 1 << 20) {
      state.buf = state.buf.subarray(state.buf.length - 64);
      state.sourcesSeen = 0;
    }
    return true;
  }
  return false;
}

/** No `<class` in the buffer: at the end the report must close, otherwise keep a tail and wait. */
function endWithoutClass(state: ScanState, report: string, final: boolean): void {
  if (final) {
    if (!/<\/coverage>\s*$/.test(state.buf.toString('utf8'))) {
      throw new CoverageReadError(
        report,
        'not well-formed XML: the report ends before </coverage> (truncated?)',
      );
    }
    return;
  }
  // keep a tail that can hold a split "<class" or the closing "</coverage>"
  state.buf = state.buf.subarray(Math.max(0, state.buf.length - 64));
}

/** Whether the byte after `<class` makes it a class element (not "<classes>" and the like). */
function endsClassName(next: number | undefined): boolean {
  return next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d || next === 0x3e || next === 0x2f;
}

/**
 * Takes the class element whose start tag spans `open`..`tagEnd`: an empty or unwanted one is passed
 * over, a wanted one is parsed. False when the wanted class is not complete in the buffer yet.
 */
function takeClass(
  state: ScanState,
  sink: CoverageSink,
  report: string,
  at: { open: number; tagEnd: number },
  final: boolean,
): boolean {
  const { open, tagEnd } = at;
  state.header = false;
  state.sawClass = true;
  const tag = state.buf.toString('utf8', open, tagEnd + 1);
  const filename = attribute(tag, 'filename');
  if (tag.endsWith('/>')) {
    if (filename !== undefined) sink.file(filename);
    state.buf = state.buf.subarray(tagEnd + 1);
    return true;
  }
  const wanted = filename === undefined ? null : sink.file(filename);
  if (wanted === null) {
    state.buf = state.buf.subarray(tagEnd + 1);
    state.skipping = true;
    return true;
  }
  const close = state.buf.indexOf(CLASS_CLOSE, tagEnd);
  if (close === -1) {
    if (final)
      throw new CoverageReadError(
        report,
        `not well-formed XML: <class filename="${filename ?? ''}"> is never closed`,
      );
    return false; // need the rest of this class
  }
  readClass(state.buf.toString('utf8', open, close + CLASS_CLOSE.length), wanted, report);
  state.buf = state.buf.subarray(close + CLASS_CLOSE.length);
  return true;
}

/** Consumes as much of the buffer as the bytes so far allow. */
function consume(state: ScanState, sink: CoverageSink, report: string, final: boolean): void {
  for (;;) {
    if (state.skipping && !skipToClassEnd(state)) return;
    const open = state.buf.indexOf(CLASS_OPEN);
    if (state.header && scanHeader(state, sink, open, final)) return;
    if (open === -1) {
      endWithoutClass(state, report, final);
      return;
    }
    const tagEnd = state.buf.indexOf(0x3e /* > */, open);
    if (tagEnd === -1) return; // the start tag is split across chunks
    if (!endsClassName(state.buf[open + CLASS_OPEN.length])) {
      // "<classes>" and the like: not a class element
      state.buf = state.buf.subarray(open + CLASS_OPEN.length);
      continue;
    }
    if (!takeClass(state, sink, report, { open, tagEnd }, final)) return;
  }
}

/**
 * Cobertura, fast path: the bytes between `<class ...>` elements are searched natively, a class whose
 * file the plan does not need is skipped without parsing, and each wanted class is read by
 * `readClass` (a strict tokenizer, or the XML parser for anything but plain markup). `<source>` roots in the header are read the same way. A huge report over a small change
 * costs little more than reading the file.
 */
export async function readCoberturaScan(input: Readable, sink: CoverageSink, report: string): Promise<void> {
  const state: ScanState = {
    buf: Buffer.alloc(0),
    header: true,
    skipping: false,
    sawClass: false,
    sawRoot: false,
    sourcesSeen: 0,
  };
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    state.buf = state.buf.length === 0 ? data : Buffer.concat([state.buf, data]);
    consume(state, sink, report, false);
  }
  consume(state, sink, report, true);
  if (state.skipping)
    throw new CoverageReadError(report, 'not well-formed XML: a <class> element is never closed');
  if (!state.sawRoot && !state.sawClass)
    throw new CoverageReadError(report, 'not a Cobertura report: no <coverage> element');
}
