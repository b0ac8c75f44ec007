import { SaxesParser } from 'saxes';
import { addHits, attrNumber, CoverageReadError, MAX_XML_DEPTH, type LineHits } from './types.js';

/*
 * One wanted Cobertura `<class>` element, from its start tag to its `</class>`. Most are plain markup:
 * tags with double-quoted attributes and whitespace between them. Those are read by a strict tokenizer
 * that accepts only well-formed XML of that shape (names matched and closed in order, no attribute twice,
 * only characters XML allows); anything else (comments, entities, text, single quotes, non-ASCII names)
 * goes to the XML parser, which reads it or says why it is not well-formed. Both walk the characters;
 * the tokenizer knows the one shape and builds no objects per tag, so it is several times faster.
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
/** What a double-quoted value may hold without decoding: XML characters but `"`, `&`, `<` and controls. */
const isValueChar = (c: number) =>
  (c >= 0x20 && c <= 0x7e && c !== QUOTE && c !== 0x26 && c !== LT) ||
  (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd);

/**
 * A `<line>` in the one form nearly every tool writes: decimal `number` and `hits`, then optionally
 * `branch` and `condition-coverage` (each once, so no attribute can repeat), self-closing.
 */
const PLAIN_LINE =
  /<line number="(\d{1,15})" hits="(\d{1,15})"(?: branch="(?:true|false)")?(?: condition-coverage="[\x20-\x21\x23-\x25\x27-\x3B\x3D-\x7E]*")?[ \t\r\n]*\/>[ \t\r\n]*/y;

function skipSpace(xml: string, at: number): number {
  while (isSpace(xml.charCodeAt(at))) at += 1;
  return at;
}

/** The end of the ASCII name starting at `at`, or -1 when none starts there. */
function nameEnd(xml: string, at: number): number {
  if (!isNameStart(xml.charCodeAt(at))) return -1;
  let end = at + 1;
  while (isNameChar(xml.charCodeAt(end))) end += 1;
  return end;
}

/** One start tag's attributes as read: the two a `<line>` has, and every name (no attribute twice). */
interface TagAttributes {
  /** Names of this tag's attributes in `names[0..count)` (the array is reused from tag to tag). */
  names: string[];
  count: number;
  number: number;
  hits: number;
}

/** A value as `attrNumber` reads it; plain digits (nearly every one) without making a string. */
function valueNumber(xml: string, start: number, end: number): number {
  if (end === start || end - start > 15) return attrNumber(xml.slice(start, end));
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const digit = xml.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return attrNumber(xml.slice(start, end));
    value = value * 10 + digit;
  }
  return value;
}

/** Records an attribute's name; false when the tag already has one of that name. */
function addName(into: TagAttributes, name: string): boolean {
  for (let i = 0; i < into.count; i += 1) if (into.names[i] === name) return false;
  into.names[into.count] = name;
  into.count += 1;
  return true;
}

/**
 * Reads the attributes from `at` (just after the tag name) to the `>` or `/>`; returns where that
 * starts, or -1 when they are not plain: a value not double-quoted, an entity, a name given twice.
 */
function readAttributes(xml: string, at: number, into: TagAttributes): number {
  into.count = 0;
  into.number = NaN;
  into.hits = NaN;
  for (;;) {
    const start = skipSpace(xml, at);
    const c = xml.charCodeAt(start);
    if (c === GT || c === SLASH) return start;
    const end = start === at ? -1 : nameEnd(xml, start); // an attribute needs whitespace before it
    if (end === -1) return -1;
    const name = xml.slice(start, end);
    let i = skipSpace(xml, end);
    if (xml.charCodeAt(i) !== EQUALS) return -1;
    i = skipSpace(xml, i + 1);
    if (xml.charCodeAt(i) !== QUOTE) return -1;
    const valueStart = i + 1;
    i = valueStart;
    while (isValueChar(xml.charCodeAt(i))) i += 1;
    if (xml.charCodeAt(i) !== QUOTE || !addName(into, name)) return -1;
    if (name === 'number') into.number = valueNumber(xml, valueStart, i);
    else if (name === 'hits') into.hits = valueNumber(xml, valueStart, i);
    at = i + 1;
  }
}

/** Reads the end tag at `at` (after `</`) against the open element; where the next tag starts, or -1. */
function readEndTag(xml: string, at: number, stack: string[]): number {
  const end = nameEnd(xml, at);
  if (end === -1 || stack.pop() !== xml.slice(at, end)) return -1;
  const close = skipSpace(xml, end);
  return xml.charCodeAt(close) === GT ? skipSpace(xml, close + 1) : -1;
}

/**
 * The tokenizer: the `class/lines/line` counts of a plain class element as line, hits, line, hits, ...,
 * or null when it is not of the plain shape (then the XML parser decides).
 */
export function plainClassLines(xml: string): number[] | null {
  const found: number[] = [];
  const stack: string[] = [];
  const attrs: TagAttributes = { names: [], count: 0, number: NaN, hits: NaN };
  let at = 0;
  while (at < xml.length) {
    if (stack[stack.length - 1] === 'lines' && stack[stack.length - 2] === 'class') {
      // the common `<line number=".." hits=".."/>`, with the branch attributes coverage tools add
      PLAIN_LINE.lastIndex = at;
      const match = PLAIN_LINE.exec(xml);
      if (match !== null) {
        found.push(Number(match[1]), Number(match[2]));
        at = PLAIN_LINE.lastIndex;
        continue;
      }
    }
    // one root element, and nothing but a tag where a tag may start
    if ((stack.length === 0 && at > 0) || xml.charCodeAt(at) !== LT) return null;
    if (xml.charCodeAt(at + 1) === SLASH) {
      at = readEndTag(xml, at + 2, stack);
      if (at === -1) return null;
      continue;
    }
    const end = nameEnd(xml, at + 1);
    if (end === -1) return null;
    const name = xml.slice(at + 1, end);
    let close = readAttributes(xml, end, attrs);
    if (close === -1 || (stack.length === 0 && name !== 'class')) return null;
    const empty = xml.charCodeAt(close) === SLASH;
    if (empty) close += 1;
    if (xml.charCodeAt(close) !== GT) return null;
    if (name === 'line' && stack[stack.length - 1] === 'lines' && stack[stack.length - 2] === 'class')
      found.push(attrs.number, attrs.hits);
    if (!empty && stack.push(name) > MAX_XML_DEPTH) return null; // the parser says why
    at = skipSpace(xml, close + 1);
  }
  return stack.length === 0 && at > 0 ? found : null;
}

/** The XML parser (fragment mode) over the class: its `class/lines/line` counts, or why it is not XML. */
function parsedClassLines(xml: string, report: string): number[] {
  const parser = new SaxesParser({ fragment: true });
  const stack: string[] = [];
  const found: number[] = [];
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    // thrown out of parser.write, which stops there
    if (stack.push(tag.name) > MAX_XML_DEPTH)
      throw new CoverageReadError(
        report,
        `not read: elements nest more than ${MAX_XML_DEPTH} deep in a <class> (Cobertura nests 7)`,
      );
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'line' && parent === 'lines' && stack[stack.length - 3] === 'class')
      found.push(attrNumber(attrs.number), attrNumber(attrs.hits));
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
  return found;
}

/**
 * Adds the line counts of one wanted `<class>` element (its whole text) to `lines`; a class that is not
 * well-formed adds nothing and throws the report's diagnostic. `viaParser` forces the XML parser (tests
 * compare the two).
 */
export function readClass(xml: string, lines: LineHits, report: string, viaParser = false): void {
  const found = (viaParser ? null : plainClassLines(xml)) ?? parsedClassLines(xml, report);
  for (let i = 0; i + 1 < found.length; i += 2) addHits(lines, found[i] ?? NaN, found[i + 1] ?? NaN);
}
