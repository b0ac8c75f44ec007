import { canonicalTool } from './ai-attribution.js';
import {
  attestedSegments,
  parseAuthorshipNote,
  resolveKey,
  type AuthorshipNote,
  type Segment,
} from './ai-notes-format.js';
import { short } from './text.js';
import type { Diagnostic, GitFacts } from './facts.js';

/** The git-ai notes lineage reads: one parsed note per commit that has a well-formed one. */

export interface ParsedNote {
  note: AuthorshipNote;
  segments: Map<string, Segment[]>;
}

/** Reads the notes; a malformed one is a diagnostic and its commit falls back to its markers. */
export function parseNotes(
  commits: GitFacts['commits'],
  notes: { ref: string; texts: ReadonlyMap<string, string> },
  diagnostics: Diagnostic[],
): Map<string, ParsedNote> {
  const parsed = new Map<string, ParsedNote>();
  for (const commit of commits) {
    const text = notes.texts.get(commit.sha);
    if (text === undefined) continue;
    const result = parseAuthorshipNote(text);
    if (result.status === 'malformed') {
      diagnostics.push({
        id: 'ai-note-malformed',
        level: 'warning',
        message: `The git-ai note on ${short(commit.sha)} (${notes.ref}) is malformed at line ${result.line}: ${result.message}. That commit is attributed per commit, from its markers.`,
        remedy: `Rewrite the note with git-ai, or inspect it: git notes --ref=${notes.ref} show ${commit.sha}`,
      });
      continue;
    }
    const segments = new Map(result.note.files.map((file) => [file.path, attestedSegments(file)]));
    parsed.set(commit.sha, { note: result.note, segments });
  }
  return parsed;
}

/** Keys another note of the range names with a tool: notes may refer to prompts recorded elsewhere. */
function knownTools(notes: ReadonlyMap<string, ParsedNote>): Map<string, string> {
  const tools = new Map<string, string>();
  for (const { note } of notes.values()) {
    for (const [key, agent] of [...note.prompts, ...note.sessions])
      if (agent.tool !== null && !tools.has(key)) tools.set(key, agent.tool);
  }
  return tools;
}

/** The canonical tool a note's key stands for (null: a human), looking in the range's other notes too. */
export type ToolOf = (parsed: ParsedNote, key: string) => string | null;

export function toolResolver(notes: ReadonlyMap<string, ParsedNote>): ToolOf {
  const elsewhere = knownTools(notes);
  return (parsed, key) => {
    const owner = resolveKey(parsed.note, key);
    if (owner.kind === 'human') return null;
    return canonicalTool(owner.tool ?? elsewhere.get(key.split('::')[0] ?? key) ?? 'unknown');
  };
}
