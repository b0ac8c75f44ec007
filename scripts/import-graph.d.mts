/** Types of scripts/import-graph.mjs, for test/unit/import-graph.test.ts. */
export declare const LAYERS: string[][];
export declare function importGraph(srcDir: string): Map<string, string[]>;
export declare function cycles(graph: Map<string, string[]>): string[][];
export declare function upwardImports(graph: Map<string, string[]>): string[];
