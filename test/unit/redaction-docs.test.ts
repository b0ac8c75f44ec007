import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/ledger/record.js';

/**
 * docs/audit.md's redaction section says, row by row, what is redacted and what is not, with an
 * example each. Every example is run through the redactor here, so the docs cannot drift from the code.
 */

const text = readFileSync(new URL('../../docs/audit.md', import.meta.url), 'utf8');
const section = text.slice(
  text.indexOf('### Redaction, and what is never recorded'),
  text.indexOf('**Never put secrets'),
);

/** The backticked code of the cells after the first, in each row of the table whose header starts so. */
function rows(afterHeading: string): string[][] {
  const table = section.slice(section.indexOf(afterHeading));
  const lines = table.split('\n');
  const body: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(2, -1);
    body.push(cells.map((cell) => /^\s*`(.*)`\s*$/.exec(cell)?.[1] ?? ''));
  }
  return body;
}

describe('docs/audit.md redaction examples', () => {
  const redacted = rows('| Form');
  const kept = rows('| Not recognised');

  it('the docs list the forms and the gaps', () => {
    expect(redacted.length).toBe(13);
    expect(kept.length).toBe(8);
  });

  it.each(redacted)('%s is stored as %s', (written, stored) => {
    expect(redact(written ?? '')).toBe(stored);
  });

  it.each(kept)('%s is stored as written', (written) => {
    expect(written).not.toBe('');
    expect(redact(written ?? '')).toBe(written);
  });
});
