import { describe, expect, it } from 'vitest';
import { mdCell, mdInline } from '../../src/render/markdown.js';
import { cleanDeep, cleanText, guardOutput } from '../../src/render/safe-text.js';

const ESC = '\u001b';

describe('cleanText', () => {
  it.each([
    [`${ESC}]52;c;SGVsbG8=\u0007`, '\\x1B]52;c;SGVsbG8=\\x07'],
    ['a\rb', 'a\\rb'],
    ['a\nb\tc\0d', 'a\\nb\\tc\\0d'],
    ['\u009b31m', '\\x9B31m'],
    ['evil\u202Etxt.exe', 'evil\\u202Etxt.exe'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['plain ünïcödé 🚀 text', 'plain ünïcödé 🚀 text'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });

  it('cleans every string of a plain value and leaves the rest', () => {
    expect(cleanDeep({ a: ['x\ny', 1, null], b: { c: `${ESC}[2J` }, d: true })).toEqual({
      a: ['x\\ny', 1, null],
      b: { c: '\\x1B[2J' },
      d: true,
    });
  });
});

describe('guardOutput', () => {
  it('escapes controls but keeps newlines and tabs', () => {
    expect(guardOutput(`a\r${ESC}]0;title\u0007\nb\tc\u202E\n`)).toBe(
      'a\\u000D\\u001B]0;title\\u0007\nb\tc\\u202E\n',
    );
  });

  it('keeps our colour codes only on a coloured terminal', () => {
    const red = `${ESC}[31mred${ESC}[39m`;
    expect(guardOutput(red, { colour: true })).toBe(red);
    expect(guardOutput(red)).toBe('\\u001B[31mred\\u001B[39m');
    expect(guardOutput(`${ESC}]8;;http://x${ESC}\\`, { colour: true })).toBe('\\u001B]8;;http://x\\u001B\\');
  });

  it('keeps JSON valid and its strings unchanged', () => {
    const json = JSON.stringify({ s: 'x\u202E\u0085\u007f' });
    expect(JSON.parse(guardOutput(json))).toEqual({ s: 'x\u202E\u0085\u007f' });
    expect(guardOutput(json)).not.toMatch(/[\u007f-\u009f\u202e]/);
  });

  it('defuses workflow commands in a GitHub Actions job, not our own annotations', () => {
    const text = '::add-mask::x\n  ::stop-commands::tok\n##[error]forged\nfine :: here\n';
    expect(guardOutput(text, { githubActions: true })).toBe(
      '\\::add-mask::x\n  \\::stop-commands::tok\n\\##[error]forged\nfine :: here\n',
    );
    expect(guardOutput(text)).toBe(text);
    expect(guardOutput('::warning title=x::y\n', { githubActions: true, workflowCommands: true })).toBe(
      '::warning title=x::y\n',
    );
  });
});

describe('markdown escaping', () => {
  it.each([
    ['a `<b>` c', 'a `<b>` c'],
    ['run `git fetch` <now>', 'run `git fetch` &lt;now&gt;'],
    // An unmatched run of three backticks opens no code span: the HTML after it is escaped.
    ['```<img src=x>`', '```&lt;img src=x&gt;`'],
    // An escaped backtick opens no code span either.
    ['\\`<img src=x>`', '\\\\`&lt;img src=x&gt;`'],
    ['`` `<i>` ``', '`` `<i>` ``'],
    ['[x](http://e) ![i](u)', '\\[x\\](http://e) !\\[i\\](u)'],
    ['\\[a](b)', '\\\\\\[a\\](b)'],
    ['x | y & <z>', 'x \\| y &amp; &lt;z&gt;'],
    ['two\nlines', 'two lines'],
  ])('%j -> %j', (input, expected) => {
    expect(mdCell(input)).toBe(expected);
  });

  it('leaves ordinary prose alone', () => {
    expect(mdInline('3 commits touch `src/db` (risk high).')).toBe('3 commits touch `src/db` (risk high).');
  });
});
