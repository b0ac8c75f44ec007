import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { addHits, CoverageReadError, type CoverageSink } from './types.js';

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

/** Parses one wanted `<class>` element with the XML parser (fragment mode) and adds its class/lines/line. */
function parseClass(xml: string, sink: CoverageSink, report: string): void {
  const parser = new SaxesParser({ fragment: true });
  const stack: string[] = [];
  let lines: ReturnType<CoverageSink['file']> = null;
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    stack.push(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'class' && stack.length === 1 && attrs.filename !== undefined)
      lines = sink.file(attrs.filename);
    else if (
      tag.name === 'line' &&
      parent === 'lines' &&
      stack[stack.length - 3] === 'class' &&
      lines !== null
    ) {
      addHits(lines, Number(attrs.number), Number(attrs.hits));
    }
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (failure !== null)
    throw new CoverageReadError(
      report,
      `not well-formed XML in a <class> element (${(failure as Error).message.split('\n')[0] ?? ''})`,
    );
}

/**
 * Cobertura, fast path: the bytes between `<class ...>` elements are searched natively, a class whose
 * file the plan does not need is skipped without parsing, and each wanted class is parsed by the XML
 * parser. `<source>` roots in the header are read the same way. A huge report over a small change
 * costs little more than reading the file.
 */
export async function readCoberturaScan(input: Readable, sink: CoverageSink, report: string): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  let header = true;
  let skipping = false;
  let sawClass = false;
  let sawRoot = false;
  let sourcesSeen = 0;

  const consume = (final: boolean) => {
    for (;;) {
      if (skipping) {
        const close = buf.indexOf(CLASS_CLOSE);
        if (close === -1) {
          // keep a tail long enough to hold a split "</class>"
          buf = buf.subarray(Math.max(0, buf.length - CLASS_CLOSE.length));
          return;
        }
        buf = buf.subarray(close + CLASS_CLOSE.length);
        skipping = false;
      }
      const open = buf.indexOf(CLASS_OPEN);
      const region = open === -1 ? buf : buf.subarray(0, open);
      if (header) {
        const text = region.toString('utf8');
        if (/<coverage\b/.test(text)) sawRoot = true;
        // The header is re-scanned as it grows; only sources not handed over yet are added.
        const sources = [...text.matchAll(/<source>([\s\S]*?)<\/source>/g)];
        for (const match of sources.slice(sourcesSeen)) sink.addRoot(decodeEntities(match[1] ?? '').trim());
        sourcesSeen = sources.length;
        if (open === -1 && !final) {
          // wait for more, unless the header region is already big (then drop what was scanned)
          const lastSource = text.lastIndexOf('<source>');
          if (lastSource === -1 && buf.length > 1 << 20) {
            buf = buf.subarray(buf.length - 64);
            sourcesSeen = 0;
          }
          return;
        }
      }
      if (open === -1) {
        if (final) {
          if (!/<\/coverage>\s*$/.test(buf.toString('utf8'))) {
            throw new CoverageReadError(
              report,
              'not well-formed XML: the report ends before </coverage> (truncated?)',
            );
          }
          return;
        }
        // keep a tail that can hold a split "<class" or the closing "</coverage>"
        buf = buf.subarray(Math.max(0, buf.length - 64));
        return;
      }
      const tagEnd = buf.indexOf(0x3e /* > */, open);
      if (tagEnd === -1) return; // the start tag is split across chunks
      const next = buf[open + CLASS_OPEN.length];
      if (
        next !== 0x20 &&
        next !== 0x09 &&
        next !== 0x0a &&
        next !== 0x0d &&
        next !== 0x3e &&
        next !== 0x2f
      ) {
        // "<classes>" and the like: not a class element
        buf = buf.subarray(open + CLASS_OPEN.length);
        continue;
      }
      header = false;
      sawClass = true;
      const tag = buf.toString('utf8', open, tagEnd + 1);
      const filename = attribute(tag, 'filename');
      if (tag.endsWith('/>')) {
        if (filename !== undefined) sink.file(filename);
        buf = buf.subarray(tagEnd + 1);
        continue;
      }
      const wanted = filename === undefined ? null : sink.file(filename);
      if (wanted === null) {
        buf = buf.subarray(tagEnd + 1);
        skipping = true;
        continue;
      }
      const close = buf.indexOf(CLASS_CLOSE, tagEnd);
      if (close === -1) {
        if (final)
          throw new CoverageReadError(
            report,
            `not well-formed XML: <class filename="${filename ?? ''}"> is never closed`,
          );
        return; // need the rest of this class
      }
      parseClass(buf.toString('utf8', open, close + CLASS_CLOSE.length), sink, report);
      buf = buf.subarray(close + CLASS_CLOSE.length);
    }
  };

  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    buf = buf.length === 0 ? data : Buffer.concat([buf, data]);
    consume(false);
  }
  consume(true);
  if (skipping) throw new CoverageReadError(report, 'not well-formed XML: a <class> element is never closed');
  if (!sawRoot && !sawClass)
    throw new CoverageReadError(report, 'not a Cobertura report: no <coverage> element');
}
