/**
 * A small, strict JSON path for the http-json metric source: `$` followed by `.name`, `[0]`,
 * `['name']` or `["name"]` steps, such as `$.data.series[0].value` or `$["error-rate"]`. No wildcards,
 * filters, slices or recursive descent: one path names at most one value.
 */

export type JsonPathStep = { key: string } | { index: number };

export type ParsedJsonPath = { ok: true; steps: JsonPathStep[] } | { ok: false; problem: string };

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

export function parseJsonPath(path: string): ParsedJsonPath {
  const fail = (at: number, what: string): ParsedJsonPath => ({
    ok: false,
    problem: `JSON path "${path}": ${what} at character ${at + 1}; expected a path such as $.data.items[0].value`,
  });
  if (!path.startsWith('$')) return fail(0, 'it must start with $');
  const steps: JsonPathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const name = IDENT.exec(path.slice(i + 1))?.[0];
      if (name === undefined) return fail(i + 1, 'expected a property name');
      steps.push({ key: name });
      i += 1 + name.length;
    } else if (c === '[') {
      const rest = path.slice(i + 1);
      const index = /^(0|[1-9][0-9]*)\]/.exec(rest);
      if (index !== null) {
        steps.push({ index: Number(index[1]) });
        i += 1 + index[0].length;
        continue;
      }
      const quote = rest[0];
      if (quote !== "'" && quote !== '"') return fail(i + 1, 'expected an index or a quoted name');
      let key = '';
      let j = 1;
      for (; j < rest.length && rest[j] !== quote; j++) {
        if (rest[j] === '\\') {
          j++;
          if (j >= rest.length) break;
        }
        key += rest[j] ?? '';
      }
      if (j >= rest.length) return fail(i + 1, 'unterminated quoted name');
      if (rest[j + 1] !== ']') return fail(i + 2 + j, 'expected ]');
      steps.push({ key });
      i += 1 + j + 2;
    } else {
      return fail(i, `unexpected "${c}"`);
    }
  }
  return { ok: true, steps };
}

/** Null when the path is well formed; else one sentence saying what is wrong. */
export function jsonPathProblem(path: string): string | null {
  const parsed = parseJsonPath(path);
  return parsed.ok ? null : parsed.problem;
}

/** The value at the path, or `found: false` (with the first step that is missing) when there is none. */
export function evaluateJsonPath(
  steps: JsonPathStep[],
  document: unknown,
): { found: true; value: unknown } | { found: false; missing: string } {
  let current: unknown = document;
  let at = '$';
  for (const step of steps) {
    if ('index' in step) {
      at += `[${step.index}]`;
      if (!Array.isArray(current) || step.index >= current.length) return { found: false, missing: at };
      current = current[step.index] as unknown;
    } else {
      at += IDENT.exec(step.key)?.[0] === step.key ? `.${step.key}` : `[${JSON.stringify(step.key)}]`;
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !Object.prototype.hasOwnProperty.call(current, step.key)
      )
        return { found: false, missing: at };
      current = (current as Record<string, unknown>)[step.key];
    }
  }
  return { found: true, value: current };
}
