import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  keyType?: z.ZodType;
  entries?: Record<string, string>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType !== undefined) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in !== undefined) return unwrap(def.in);
  if (def.type === 'union' && def.options !== undefined) return def.options.flatMap(unwrap);
  return [schema];
}

/** The keys an object in the schema accepts at `path` (for "did you mean" hints). */
export function validKeysAt(schema: z.ZodType, path: ReadonlyArray<string | number>): string[] {
  let nodes = unwrap(schema);
  for (const part of path) {
    nodes = nodes.flatMap((node) => {
      const def = defOf(node);
      if (def.type === 'object' && typeof part === 'string' && def.shape?.[part] !== undefined)
        return unwrap(def.shape[part]);
      if (def.type === 'array' && typeof part === 'number' && def.element !== undefined)
        return unwrap(def.element);
      if (def.type === 'record' && def.valueType !== undefined) return unwrap(def.valueType);
      return [];
    });
  }
  return nodes.flatMap((node) => {
    const def = defOf(node);
    if (def.type === 'record' && def.keyType !== undefined) {
      // A record with enumerated keys (weights: { zones: 30 }) lists them like an object would.
      return Object.keys(defOf(def.keyType).entries ?? {});
    }
    return Object.keys(def.shape ?? {});
  });
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + cost);
      previous = saved;
    }
  }
  return row[b.length] ?? 0;
}

/** The nearest valid key, if it is close enough to be a likely typo. */
export function suggestKey(key: string, valid: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  // A short form of one name (`prod` for `production`) is no small edit, but it is a likely meaning.
  const lower = key.toLowerCase();
  const extended = valid.filter(
    (candidate) => lower.length >= 3 && candidate.toLowerCase().startsWith(lower),
  );
  return extended.length === 1 ? (extended[0] ?? null) : null;
}
