import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, jsonPathProblem, parseJsonPath } from '../../src/config/json-path.js';

const at = (path: string, document: unknown) => {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) throw new Error(parsed.problem);
  return evaluateJsonPath(parsed.steps, document);
};

describe('JSON path (http-json source)', () => {
  const doc = {
    data: { errorRate: 0.01, series: [{ value: '42' }, { value: 7 }], 'p-99': 3, 'a.b': 1, zero: 0 },
    list: [[1, 2], [3]],
    nil: null,
  };

  it('follows dot, index and quoted steps', () => {
    expect(at('$', doc)).toEqual({ found: true, value: doc });
    expect(at('$.data.errorRate', doc)).toEqual({ found: true, value: 0.01 });
    expect(at('$.data.series[0].value', doc)).toEqual({ found: true, value: '42' });
    expect(at('$.data.series[1].value', doc)).toEqual({ found: true, value: 7 });
    expect(at('$.data.p-99', doc)).toEqual({ found: true, value: 3 });
    expect(at("$.data['a.b']", doc)).toEqual({ found: true, value: 1 });
    expect(at('$["data"]["zero"]', doc)).toEqual({ found: true, value: 0 });
    expect(at('$.list[0][1]', doc)).toEqual({ found: true, value: 2 });
    expect(at('$.nil', doc)).toEqual({ found: true, value: null });
  });

  it('reports the first missing step, and never reads inherited properties', () => {
    expect(at('$.data.nope.x', doc)).toEqual({ found: false, missing: '$.data.nope' });
    expect(at('$.data.series[2].value', doc)).toEqual({ found: false, missing: '$.data.series[2]' });
    expect(at('$.data[0]', doc)).toEqual({ found: false, missing: '$.data[0]' });
    expect(at('$.list.length', doc)).toEqual({ found: false, missing: '$.list.length' });
    expect(at('$.data.constructor', doc)).toEqual({ found: false, missing: '$.data.constructor' });
    expect(at('$.nil.x', doc)).toEqual({ found: false, missing: '$.nil.x' });
    expect(at('$["a b"]', { 'a b': 1 })).toEqual({ found: true, value: 1 });
    expect(at('$["a b"].c', { 'a b': 1 })).toEqual({ found: false, missing: '$["a b"].c' });
  });

  it('rejects what it does not support, saying where', () => {
    for (const bad of [
      '',
      'data.x',
      '$.',
      '$..x',
      '$.a[*]',
      '$.a[-1]',
      '$.a[01]',
      '$.a[0',
      "$['a]",
      "$['a'",
      '$.a[?(@.b)]',
      '$ .a',
      '$.1a',
    ]) {
      expect(jsonPathProblem(bad), bad).toMatch(
        /^JSON path ".*": .* at character \d+; expected a path such as/,
      );
    }
    expect(jsonPathProblem('$.a[*]')).toContain('expected an index or a quoted name at character 5');
    expect(jsonPathProblem('$.data.series[0].value')).toBeNull();
  });
});
