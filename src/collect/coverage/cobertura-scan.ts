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
  /** What the bytes held back wait for, when they are more than a chunk's tail. */
  waiting: string;
  /** The bytes without which the scan cannot move on; chunks without them wait in `pending`, uncopied. */
  until: Buffer | null;
  pending: Buffer[];
  pendingBytes: number;
}

const SOURCE_OPEN = '<source>';
const SOURCE_CLOSE = Buffer.from('</source>');
const TAG_END = Buffer.from('>');

/**
 * The most the scan holds back while it waits for a `</class>` (a wanted class is read whole), a start
 * tag's `>` or the first `<class`: a class of this size would be about a million lines of one file.
 */
export const MAX_PENDING_BYTES = 32 * 1024 * 1024;

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

/** Where the last complete `<source>` of the header text ends (0 when none). */
function lastSourceEnd(sources: RegExpExecArray[]): number {
  const last = sources[sources.length - 1];
  return last === undefined ? 0 : (last.index ?? 0) + last[0].length;
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
    state.waiting = 'the header runs on without a <class> element';
    if (text.indexOf(SOURCE_OPEN, lastSourceEnd(sources)) !== -1) state.until = SOURCE_CLOSE;
    // wait for more; once the header region is big, drop what was scanned (not an unfinished <source>)
    if (state.buf.length > 1 << 20) {
      const scanned = lastSourceEnd(sources);
      const unfinished = text.indexOf(SOURCE_OPEN, scanned);
      const keep =
        unfinished === -1
          ? Math.max(Buffer.byteLength(text.slice(0, scanned)), state.buf.length - 64)
          : Buffer.byteLength(text.slice(0, unfinished));
      state.buf = state.buf.subarray(keep);
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
    state.waiting = `<class filename="${filename ?? ''}"> runs on without its </class>`;
    state.until = CLASS_CLOSE;
    return false; // need the rest of this class
  }
  readClass(state.buf.toString('utf8', open, close + CLASS_CLOSE.length), wanted, report);
  state.buf = state.buf.subarray(close + CLASS_CLOSE.length);
  return true;
}

/** Whether `token` may end in `data`: in it, or across the edge with the chunk before it. */
function mayHold(state: ScanState, token: Buffer, data: Buffer): boolean {
  if (data.includes(token)) return true;
  const before = state.pending[state.pending.length - 1] ?? state.buf;
  const edge = Buffer.concat([
    before.subarray(Math.max(0, before.length - token.length + 1)),
    data.subarray(0, token.length - 1),
  ]);
  return edge.includes(token);
}

/** Joins the held chunks and `data` to the buffer, for the scan to go on. */
function takePending(state: ScanState, data: Buffer): void {
  const parts = [state.buf, ...state.pending, data].filter((part) => part.length > 0);
  state.buf = parts.length === 1 ? (parts[0] ?? data) : Buffer.concat(parts);
  state.pending = [];
  state.pendingBytes = 0;
  state.until = null;
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
    if (tagEnd === -1) {
      state.waiting = 'a <class start tag runs on without its ">"';
      state.until = TAG_END;
      return; // the start tag is split across chunks
    }
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
 * file the plan does not need is skipped without parsing, and each wanted class is read by `readClass`
 * (a strict tokenizer, or the XML parser for anything but plain markup). `<source>` roots in the header
 * are read the same way. A huge report over a small change costs little more than reading the file;
 * memory is bounded by `maxPending`.
 */
export async function readCoberturaScan(
  input: Readable,
  sink: CoverageSink,
  report: string,
  maxPending = MAX_PENDING_BYTES,
): Promise<void> {
  const state: ScanState = {
    buf: Buffer.alloc(0),
    header: true,
    skipping: false,
    sawClass: false,
    sawRoot: false,
    sourcesSeen: 0,
    waiting: '',
    until: null,
    pending: [],
    pendingBytes: 0,
  };
  const tooLarge = () =>
    new CoverageReadError(
      report,
      `not read: ${state.waiting} for ${Math.round(maxPending / 1024 / 1024)} MiB (not a Cobertura report, or a <class> element too large to hold)`,
    );
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (state.until !== null && !mayHold(state, state.until, data)) {
      // copying the held bytes behind every chunk would cost the square of their size
      state.pending.push(data);
      state.pendingBytes += data.length;
      if (state.buf.length + state.pendingBytes > maxPending) throw tooLarge();
      continue;
    }
    takePending(state, data);
    consume(state, sink, report, false);
    if (state.buf.length > maxPending) throw tooLarge();
  }
  takePending(state, Buffer.alloc(0));
  consume(state, sink, report, true);
  if (state.skipping)
    throw new CoverageReadError(report, 'not well-formed XML: a <class> element is never closed');
  if (!state.sawRoot && !state.sawClass)
    throw new CoverageReadError(report, 'not a Cobertura report: no <coverage> element');
}
