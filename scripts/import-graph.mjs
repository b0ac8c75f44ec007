// The import graph of src/ (static, dynamic and type-only imports), read with the TypeScript compiler
// API. `node scripts/import-graph.mjs` prints every cycle and every import from a lower layer to a
// higher one, and exits 1 when there is any; test/unit/import-graph.test.ts runs the same check.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Layers, lowest first: a module may import its own layer and lower ones, never a higher one. An
 * entry is a folder or a file under src/; the longest entry that contains a file decides its layer.
 */
export const LAYERS = [
  ['version.ts', 'errors.ts', 'io.ts'],
  // Schemas and data formats: the policy, and the ledger record (read by pure code too).
  ['config', 'ledger/record.ts'],
  ['assess'],
  // Side effects; loading the policy reads files and git.
  ['collect', 'config/load.ts', 'config/policy-cache.ts'],
  ['ledger'],
  ['app'],
  // Pure, but renders what the use cases return.
  ['render'],
  // The MCP server: use cases and renderers behind the protocol's tools.
  ['mcp'],
  ['commands'],
  ['main.ts'],
  ['cli.ts'],
];

function layerOf(file) {
  let best = null;
  let length = -1;
  LAYERS.forEach((entries, layer) => {
    for (const entry of entries) {
      const contains = file === entry || file.startsWith(`${entry}/`);
      if (contains && entry.length > length) {
        best = layer;
        length = entry.length;
      }
    }
  });
  return best;
}

function sourceFiles(dir, root) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path, root));
    else if (entry.name.endsWith('.ts')) out.push(relative(root, path));
  }
  return out;
}

/** Every relative module specifier of a file: import, export ... from, import(), import type. */
function specifiers(text, name) {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      found.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((spec) => spec.startsWith('.'));
}

/** file (relative to src/) -> the src files it imports. */
export function importGraph(srcDir) {
  const graph = new Map();
  for (const file of sourceFiles(srcDir, srcDir).sort()) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    const targets = specifiers(text, file).map((spec) =>
      relative(srcDir, resolve(srcDir, dirname(file), spec.replace(/\.js$/, '.ts'))),
    );
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
export function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const indexOf = new Map();
  const low = new Map();
  const found = [];
  const connect = (v) => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!indexOf.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) connect(v);
  return found;
}

/** Imports from a lower layer to a higher one, and files in no layer. */
export function upwardImports(graph) {
  const found = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (from === null) {
      found.push(`${file}: in no layer (add it to LAYERS in scripts/import-graph.mjs)`);
      continue;
    }
    for (const target of targets) {
      const to = layerOf(target);
      if (to !== null && to > from) found.push(`${file} -> ${target}`);
    }
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph(resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src'));
  const loops = cycles(graph);
  const upward = upwardImports(graph);
  for (const loop of loops) console.log(`cycle: ${loop.join(' <-> ')}`);
  for (const line of upward) console.log(`upward: ${line}`);
  const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
  console.log(
    `${graph.size} files, ${edges} imports, ${loops.length} cycle(s), ${upward.length} upward import(s)`,
  );
  process.exitCode = loops.length + upward.length === 0 ? 0 : 1;
}
