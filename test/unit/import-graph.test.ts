import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cycles, importGraph, upwardImports } from '../../scripts/import-graph.mjs';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('the import graph of src/', () => {
  const graph = importGraph(SRC);

  it('reads every source file and its imports', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('main.ts')).toContain('commands/table.ts');
  });

  it('has no cycle (type-only imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one, and every file is in a layer', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('commands import no other command, only their shared tables and helpers and their own <command>-*.ts', () => {
    const shared = new Set([
      'commands/context.ts',
      'commands/global.ts',
      'commands/option-table.ts',
      'commands/output.ts',
      'commands/spec.ts',
    ]);
    const crossing = [...graph].flatMap(([file, targets]) =>
      file.startsWith('commands/') && file !== 'commands/table.ts' && !shared.has(file)
        ? targets.filter(
            (target) =>
              target.startsWith('commands/') &&
              !shared.has(target) &&
              // A command's own helpers (commands/plan-wait.ts for commands/plan.ts) are part of it.
              !target.startsWith(file.replace(/\.ts$/, '-')),
          )
        : [],
    );
    expect(crossing).toEqual([]);
  });
});

describe('the checker itself', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  it('finds a cycle made only of type imports, and a dynamic import', () => {
    const g = importGraph(
      tree({
        'assess/a.ts': "import type { B } from './b.js';\nexport type A = B;\n",
        'assess/b.ts': "export type B = import('./c.js').C;\n",
        'assess/c.ts': "export const c = () => import('./a.js');\nexport type C = 1;\n",
      }),
    );
    expect(cycles(g)).toEqual([['assess/a.ts', 'assess/b.ts', 'assess/c.ts']]);
  });

  it('finds an upward import (assess reading a command) and a file outside every layer', () => {
    const g = importGraph(
      tree({
        'assess/a.ts': "export { x } from '../commands/x.js';\n",
        'commands/x.ts': 'export const x = 1;\n',
        'stray.ts': 'export const y = 2;\n',
      }),
    );
    expect(upwardImports(g)).toEqual([
      'assess/a.ts -> commands/x.ts',
      'stray.ts: in no layer (add it to LAYERS in scripts/import-graph.mjs)',
    ]);
  });
});
