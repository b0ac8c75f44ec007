/** Recognises migration formats: where their down step lives and what makes one irreversible. */

const SQL_PAIRS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\.up\.sql$/i, '.down.sql'],
  [/_up\.sql$/i, '_down.sql'],
  [/(^|\/)up\.sql$/i, '$1down.sql'],
];

/** The path of the down/undo file paired with a migration, if the tree has one. */
export function findDownFile(path: string, tree: ReadonlySet<string>): string | null {
  for (const [pattern, replacement] of SQL_PAIRS) {
    if (pattern.test(path)) {
      const candidate = path.replace(pattern, replacement);
      return tree.has(candidate) ? candidate : null;
    }
  }
  // Flyway: V3__add_users.sql is undone by U3__add_users.sql.
  const flyway = /(^|\/)V(\d[^/_]*__[^/]+\.sql)$/i.exec(path);
  if (flyway !== null) {
    const candidate = path.replace(/(^|\/)V(\d[^/_]*__[^/]+\.sql)$/i, '$1U$2');
    return tree.has(candidate) ? candidate : null;
  }
  return null;
}

/** True for files that are themselves down steps (they are not migrations of their own). */
export function isDownStep(path: string): boolean {
  return /\.down\.sql$|_down\.sql$|(^|\/)down\.sql$|(^|\/)U\d[^/_]*__[^/]+\.sql$/i.test(path);
}

/** Files that live in migration folders but are not migrations (package markers, tool config, docs). */
export function isMigrationSupportFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^(?:__init__\.py|env\.py|script\.py\.mako|alembic\.ini|\.gitkeep|\.keep|README.*|.*\.md|migration_lock\.toml|atlas\.sum|schema\.rb|structure\.sql)$/i.test(
    name,
  );
}

const DESTRUCTIVE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bdrop\s+table\b/i, 'DROP TABLE'],
  [
    /\bdrop\s+column\b|alter\s+table\s+\S+\s+drop\s+(?!constraint|index|default|not\s+null)\w+/i,
    'DROP COLUMN',
  ],
  [/\bdrop\s+(?:schema|database)\b/i, 'DROP SCHEMA'],
  [/\btruncate\b/i, 'TRUNCATE'],
  [/\balter\s+column\s+\S+\s+(?:set\s+data\s+)?type\b|\bmodify\s+column\b/i, 'column type change'],
  [/\bremove_column\b|\bdrop_table\b|\bchange_column\b/, 'Rails remove_column/drop_table/change_column'],
  [/\bop\.drop_(?:column|table)\b/, 'Alembic drop'],
  [/migrations\.(?:RemoveField|DeleteModel)\b/, 'Django RemoveField/DeleteModel'],
  [
    /\bdropColumn\b|\bdropTable\b|\bremoveColumn\b|\bchangeColumn\b|\bdropIfExists\b/,
    'dropColumn/dropTable/removeColumn/changeColumn',
  ],
];

export interface MigrationVerdict {
  reversible: boolean;
  /** Where the down step is: a paired file, or a function in the same file. */
  down: string | null;
  reason: string;
  /** Line of the statement that makes it irreversible, when one is known. */
  line?: number;
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function inlineDown(path: string, content: string): { down: string | null; why: string | null } {
  const lower = path.toLowerCase();
  if (/prisma\/migrations\//.test(lower)) return { down: null, why: 'Prisma migrations have no down step' };
  if (lower.endsWith('.sql')) {
    if (
      /^--\s*\+(?:goose|migrate)\s+down\b[\s\S]*\S/im.test(
        content.replace(/^--\s*\+(?:goose|migrate)\s+up\b[\s\S]*?(?=^--\s*\+(?:goose|migrate)\s+down)/im, ''),
      )
    )
      return { down: 'the "-- +goose Down" / "-- +migrate Down" section', why: null };
    if (/^--\s*\/\/\s*@UNDO/im.test(content)) return { down: 'the "--//@UNDO" section', why: null };
    return { down: null, why: 'no down step: no paired .down.sql/U-file and no Down section' };
  }
  if (lower.endsWith('.rb')) {
    if (/raise\s+ActiveRecord::IrreversibleMigration/.test(content))
      return { down: null, why: 'raises ActiveRecord::IrreversibleMigration' };
    if (/\bdef\s+down\b/.test(content)) return { down: 'def down', why: null };
    if (/\bdef\s+change\b/.test(content)) return { down: 'def change (reversed by Rails)', why: null };
    return { down: null, why: 'no def down or def change' };
  }
  if (lower.endsWith('.py')) {
    const downgrade = /def\s+downgrade\s*\([^)]*\)\s*(?:->\s*\w+\s*)?:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/.exec(
      content,
    );
    if (downgrade !== null) {
      const body = (downgrade[1] ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('"""'));
      return body.length === 0 || body.every((line) => line === 'pass')
        ? { down: null, why: 'downgrade() is empty' }
        : { down: 'def downgrade()', why: null };
    }
    if (/class\s+Migration\s*\(\s*migrations\.Migration\s*\)/.test(content)) {
      if (/RunPython\((?![^)]*reverse_code)/.test(content))
        return { down: null, why: 'RunPython without reverse_code' };
      if (/RunSQL\((?![^)]*reverse_sql)/.test(content))
        return { down: null, why: 'RunSQL without reverse_sql' };
      return { down: 'Django reverses these operations', why: null };
    }
    return { down: null, why: 'no downgrade()' };
  }
  if (/\.(?:[cm]?js|ts)$/.test(lower)) {
    if (
      /\b(?:exports\.down|async\s+down\s*\(|\bdown\s*:\s*(?:async\s*)?(?:function|\()|\bdown\s*\([^)]*\)\s*(?::\s*[\w<>]+\s*)?\{)/.test(
        content,
      )
    )
      return { down: 'down()', why: null };
    return { down: null, why: 'no down() function' };
  }
  if (lower.endsWith('.php')) {
    return /function\s+down\s*\(/.test(content)
      ? { down: 'down()', why: null }
      : { down: null, why: 'no down() method' };
  }
  if (lower.endsWith('.go')) {
    // goose Go migrations: goose.AddMigration(up, down); a nil down cannot be rolled back.
    const register = /goose\.AddMigration\w*\(\s*[\w.]+\s*,\s*([\w.]+)\s*\)/.exec(content);
    if (register === null) return { down: null, why: 'no goose.AddMigration(up, down)' };
    return register[1] === 'nil'
      ? { down: null, why: 'registered with a nil down function' }
      : { down: `${register[1] ?? 'down'}()`, why: null };
  }
  if (/\.(?:xml|ya?ml|json)$/.test(lower) && /rollback/i.test(content))
    return { down: 'Liquibase rollback', why: null };
  return { down: null, why: 'no down step found (format not recognised)' };
}

/** Decides whether a migration can be rolled back, and says why. */
export function classifyMigration(
  path: string,
  content: string | null,
  downFile: { path: string; content: string | null } | null,
  extraPatterns: readonly string[],
): MigrationVerdict {
  if (content === null)
    return { reversible: false, down: null, reason: 'content could not be read (binary or over 512 KiB)' };
  const up = content;
  // Stripping removes only trailing down sections, so an offset in the stripped text is one in the file.
  const forward = stripDownSections(up, path);
  for (const [pattern, label] of DESTRUCTIVE) {
    const hit = pattern.exec(forward);
    if (hit !== null) {
      return {
        reversible: false,
        down: downFile?.path ?? null,
        reason: `${label}: data it removes or converts cannot be restored by a down step`,
        line: lineAt(forward, hit.index),
      };
    }
  }
  for (const source of extraPatterns) {
    const pattern = new RegExp(source, 'i');
    const hit = pattern.exec(forward);
    if (hit !== null)
      return {
        reversible: false,
        down: downFile?.path ?? null,
        reason: `matches migrations.irreversiblePatterns "${source}" ("${hit[0]}")`,
        line: lineAt(forward, hit.index),
      };
  }
  if (downFile !== null)
    return { reversible: true, down: downFile.path, reason: `down step in ${downFile.path}` };
  const inline = inlineDown(path, up);
  return inline.down !== null
    ? { reversible: true, down: inline.down, reason: `down step: ${inline.down}` }
    : { reversible: false, down: null, reason: inline.why ?? 'no down step' };
}

/** Destructive statements in a down section (goose/migrate Down, Rails `def down`) are what undoing does. */
function stripDownSections(content: string, path: string): string {
  if (path.toLowerCase().endsWith('.sql')) {
    return content
      .replace(/^--\s*\+(?:goose|migrate)\s+down\b[\s\S]*$/im, '')
      .replace(/^--\s*\/\/\s*@UNDO[\s\S]*$/im, '');
  }
  // Rails puts `def down` after `def up`; everything from it on is the undo.
  if (path.toLowerCase().endsWith('.rb')) return content.replace(/\bdef\s+down\b[\s\S]*$/, '');
  if (path.toLowerCase().endsWith('.php')) return content.replace(/function\s+down\s*\([\s\S]*$/, '');
  if (path.toLowerCase().endsWith('.py')) return content.replace(/def\s+downgrade[\s\S]*$/, '');
  if (/\.(?:[cm]?js|ts)$/i.test(path))
    return content.replace(/(?:exports\.down|async\s+down|\bdown\s*[:(])[\s\S]*$/, '');
  return content;
}
