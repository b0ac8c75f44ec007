import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  addHits,
  attrNumber,
  CoverageReadError,
  MAX_XML_DEPTH,
  type CoverageSink,
  type LineHits,
} from './types.js';

type XmlFormat = 'cobertura' | 'jacoco' | 'clover';

/** The element that names a source file in each format. */
const FILE_ELEMENT = { cobertura: 'class', jacoco: 'sourcefile', clover: 'file' } as const;

/** Writes the stream into the parser until it ends or the parser fails; closes it when it did not. */
async function feed(parser: SaxesParser, input: Readable, failed: () => Error | null): Promise<void> {
  input.setEncoding('utf8');
  for await (const chunk of input) {
    parser.write(chunk as string);
    if (failed() !== null) return;
  }
  parser.close();
}

/**
 * Cobertura, JaCoCo and Clover XML, streamed through a SAX parser (saxes): no DOM, no DTD fetched,
 * memory bounded by the deepest element, not the file.
 * - Cobertura: `class/lines/line` (method lines are repeats and are skipped), every `<source>` root.
 * - JaCoCo: `package[@name]/sourcefile[@name]/line`, covered when `ci > 0`; groups may nest.
 * - Clover: `file[@path or @name]/line` of type stmt or cond (method lines are signatures).
 */
export async function readXml(
  input: Readable,
  sink: CoverageSink,
  format: XmlFormat,
  report: string,
): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  let current: LineHits | null = null;
  let jacocoPackage = '';
  let sourceText: string | null = null;
  let failure: Error | null = null;

  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('text', (text) => {
    if (sourceText !== null) sourceText += text;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    const attrs = tag.attributes;
    const parent = stack[stack.length - 1];
    if (stack.push(name) > MAX_XML_DEPTH) {
      failure ??= new CoverageReadError(report, `not read: elements nest more than ${MAX_XML_DEPTH} deep`);
      return;
    }
    switch (format) {
      case 'cobertura':
        if (name === 'source' && parent === 'sources') sourceText = '';
        else if (name === 'class' && attrs.filename !== undefined) current = sink.file(attrs.filename);
        else if (
          name === 'line' &&
          parent === 'lines' &&
          stack[stack.length - 3] === 'class' &&
          current !== null
        ) {
          addHits(current, attrNumber(attrs.number), attrNumber(attrs.hits));
        }
        break;
      case 'jacoco':
        if (name === 'package') jacocoPackage = attrs.name ?? '';
        else if (name === 'sourcefile' && attrs.name !== undefined) {
          current = sink.file(jacocoPackage === '' ? attrs.name : `${jacocoPackage}/${attrs.name}`);
        } else if (name === 'line' && parent === 'sourcefile' && current !== null) {
          addHits(current, attrNumber(attrs.nr), attrNumber(attrs.ci));
        }
        break;
      case 'clover': {
        if (name === 'file') {
          const path = attrs.path ?? attrs.name;
          current = path === undefined ? null : sink.file(path);
        } else if (
          name === 'line' &&
          parent === 'file' &&
          current !== null &&
          (attrs.type === 'stmt' || attrs.type === 'cond')
        ) {
          addHits(current, attrNumber(attrs.num), attrNumber(attrs.count));
        }
        break;
      }
    }
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    if (tag.name === 'source' && sourceText !== null) {
      sink.addRoot(sourceText.trim());
      sourceText = null;
    } else if (tag.name === FILE_ELEMENT[format]) {
      // Only the element that named the file ends it: Clover nests <class> inside <file>.
      current = null;
    }
  });

  await feed(parser, input, () => failure);
  const failed = failure as Error | null; // set in callbacks, which the type checker does not follow
  if (failed === null) return;
  throw failed instanceof CoverageReadError
    ? failed
    : new CoverageReadError(report, `not well-formed XML (${failed.message.split('\n')[0] ?? ''})`);
}
