import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainClassLines, readClass } from '../../src/collect/coverage/cobertura-class.js';
import { CoverageReadError, type LineHits } from '../../src/collect/coverage/types.js';

/** What readClass makes of a class: its lines, or the start of its diagnostic. */
function outcome(xml: string, viaParser: boolean): Record<string, number> | string {
  const lines: LineHits = new Map();
  try {
    readClass(xml, lines, 'r', viaParser);
  } catch (error) {
    expect(error).toBeInstanceOf(CoverageReadError);
    return 'not well-formed';
  }
  return Object.fromEntries([...lines].map(([line, hits]) => [String(line), hits]));
}

const LINE = '<line number="1" hits="2"/>';

/** Well-formed `<line>`s, plain or not: the tokenizer must read each exactly as the parser does. */
const LINES = [
  LINE,
  '<line number="2" hits="0" branch="true" condition-coverage="50% (1/2)" missing-branches="4"/>',
  '<line  number = "3"\n\thits = "7" />',
  '<line number="4" hits="1"></line>',
  '<line number="18" hits="0" branch="true" condition-coverage="0% (0/2)"/>\n',
  '<line number="19" hits="3" branch="false" />',
  '<line number="17" hits="1" branch="true"><conditions><condition number="0" type="jump" coverage="50%"/></conditions></line>',
  "<line number='6' hits='1'/>",
  '<line number="7" hits=""/>',
  '<line number="8"/>',
  '<line number=" 9 " hits="1e1"/>',
  '<line number="13" hits="1>2"/>',
  '<line number="14" hits="&#49;"/>',
  '<line number="15" hits="3" é="x"/>',
  '<line number="16" hits="-2"/>',
  '<line number="20" hits="007"/>',
  '<line number="21" hits="1234567890123456789"/>',
];

/** Pieces of class content: plain markup, and everything the tokenizer must leave to the XML parser. */
const PIECES = [
  '<lines>',
  '</lines>',
  ...LINES,
  '<line number="5" hits="1" hits="2"/>',
  '<line number="10"hits="1"/>',
  '<line number="11" hits="1"/ >',
  '<line number="12" hits="\u0001"/>',
  '<line number="13" hits="1>2"/>',
  '<line number="14" hits="&#49;"/>',
  '<line number="15" hits="3" é="x"/>',
  '<line number="16" hits="-2"/>',
  '<methods/>',
  '<methods>',
  '</methods>',
  '<method name="m" signature="()V">',
  '</method>',
  '<conditions><condition number="0" type="jump" coverage="50%"/></conditions>',
  '<class filename="inner.py">',
  '</class>',
  '</lines foo="1">',
  '<a:b/>',
  '<!-- a comment -->',
  '<![CDATA[x]]>',
  '<?pi x?>',
  'text',
  '&amp;',
  ' ',
  '\n\t',
  '\r\n',
  '<',
  '>',
  '"',
];

/** Any mix of the pieces: mostly not plain, often not well-formed. */
const anyClass = fc
  .tuple(
    fc.constantFrom(
      '<class name="c" filename="app/calc.py" line-rate="0.5">',
      '<class filename="a.py" filename="b.py">',
      "<class filename='a.py'>",
      '<class\n  filename="a.py"\n>',
      '<class filename="a&amp;b.py">',
    ),
    fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }),
    fc.constantFrom('</class>', '</class >', '</lines></class>', ''),
  )
  .map(([open, body, close]) => open + body.join('') + close);

/** Classes as coverage tools write them: methods with their own lines, lines with branch data. */
const plainClass = fc
  .tuple(
    fc.constantFrom(
      '',
      '<methods/>',
      '<methods><method name="m" signature="()V"><lines>' + LINE + '</lines></method></methods>',
    ),
    fc.array(
      fc.constantFrom(
        ...LINES,
        ' ',
        '\n\t',
        '<conditions><condition number="0" type="jump" coverage="50%"/></conditions>',
      ),
      { maxLength: 8 },
    ),
  )
  .map(
    ([methods, lines]) =>
      `<class name="c" filename="app/calc.py">${methods}<lines>${lines.join('')}</lines></class>`,
  );
describe('a wanted Cobertura <class>: the tokenizer against the XML parser', () => {
  it('reads plain markup as the parser does, and leaves everything else to it (fast-check)', () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.oneof(anyClass, plainClass), (xml) => {
        if (plainClassLines(xml) !== null) plain += 1;
        expect(outcome(xml, false)).toEqual(outcome(xml, true));
      }),
      { numRuns: 3000 },
    );
    // the tokenizer took a share of the cases, so the comparison tested it
    expect(plain).toBeGreaterThan(300);
  });

  it.each([
    [
      'coverage.py',
      `<class name="calc.py" filename="calc.py">\n\t<methods/>\n\t<lines>\n\t\t${LINE}\n\t</lines>\n</class>`,
    ],
    [
      'attributes spread over lines',
      `<class filename="a.py"><lines><line\n number="1"\r\n hits="2"\t/></lines></class>`,
    ],
    [
      'a line that is not self-closing',
      `<class filename="a.py"><lines><line number="1" hits="2"></line></lines></class>`,
    ],
  ])('takes plain markup itself: %s', (_, xml) => {
    expect(plainClassLines(xml)).toEqual([1, 2]);
    expect(outcome(xml, false)).toEqual({ '1': 2 });
  });

  it.each([
    ['a comment', `<class filename="a.py"><lines><!-- x -->${LINE}</lines></class>`, { '1': 2 }],
    [
      'an entity',
      `<class filename="a.py"><lines><line number="1" hits="&#50;"/></lines></class>`,
      { '1': 2 },
    ],
    [
      'single quotes',
      `<class filename="a.py"><lines><line number='1' hits='2'/></lines></class>`,
      { '1': 2 },
    ],
    [
      'a duplicate attribute',
      `<class filename="a.py"><lines><line number="1" number="1" hits="2"/></lines></class>`,
      'not well-formed',
    ],
    ['a mismatched end tag', `<class filename="a.py"><lines>${LINE}</line></class>`, 'not well-formed'],
    [
      'a missing space',
      `<class filename="a.py"><lines><line number="1"hits="2"/></lines></class>`,
      'not well-formed',
    ],
    [
      'a control character',
      `<class filename="a.py"><lines><line number="1" hits="\u0002"/></lines></class>`,
      'not well-formed',
    ],
  ])('leaves the rest to the XML parser: %s', (_, xml, expected) => {
    expect(plainClassLines(xml)).toBeNull();
    expect(outcome(xml, false)).toEqual(expected);
  });

  it('a class nesting elements more than 256 deep is not read, by either path (the parser would hold them all)', () => {
    const xml = `<class filename="a.py"><lines>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</lines></class>`;
    for (const viaParser of [false, true]) {
      expect(() => {
        readClass(xml, new Map(), 'r', viaParser);
      }).toThrow('r: not read: elements nest more than 256 deep in a <class> (Cobertura nests 7)');
    }
    const deepest = `<class filename="a.py"><lines>${'<a>'.repeat(254)}${'</a>'.repeat(254)}${LINE}</lines></class>`;
    expect(outcome(deepest, false)).toEqual({ '1': 2 });
  });
});
