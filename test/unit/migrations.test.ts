import { describe, expect, it } from 'vitest';
import {
  classifyMigration,
  findDownFile,
  isDownStep,
  isMigrationSupportFile,
} from '../../src/assess/migration-files.js';

describe('findDownFile', () => {
  const tree = new Set([
    'db/migrations/001_users.up.sql',
    'db/migrations/001_users.down.sql',
    'migrations/2024-01-01-000000_create/up.sql',
    'migrations/2024-01-01-000000_create/down.sql',
    'src/main/resources/db/migration/V3__add_email.sql',
    'src/main/resources/db/migration/U3__add_email.sql',
    'db/migrations/002_orders.up.sql',
  ]);
  it.each([
    ['db/migrations/001_users.up.sql', 'db/migrations/001_users.down.sql'],
    ['migrations/2024-01-01-000000_create/up.sql', 'migrations/2024-01-01-000000_create/down.sql'],
    [
      'src/main/resources/db/migration/V3__add_email.sql',
      'src/main/resources/db/migration/U3__add_email.sql',
    ],
    ['db/migrations/002_orders.up.sql', null],
  ])('%s → %s', (path, down) => {
    expect(findDownFile(path, tree)).toBe(down);
  });
  it.each([
    'app/migrations/__init__.py',
    'alembic/versions/README',
    'migrations/env.py',
    'prisma/migrations/migration_lock.toml',
    'db/migrations/.gitkeep',
  ])('%s is a support file, not a migration', (path) => {
    expect(isMigrationSupportFile(path)).toBe(true);
  });
  it('down files are not migrations of their own', () => {
    expect(isDownStep('db/migrations/001_users.down.sql')).toBe(true);
    expect(isDownStep('src/main/resources/db/migration/U3__add_email.sql')).toBe(true);
    expect(isDownStep('db/migrations/001_users.up.sql')).toBe(false);
  });
});

describe('classifyMigration', () => {
  const down = (path: string) => ({ path, content: '' });
  it.each([
    [
      'a.up.sql with a .down.sql',
      'db/m/1.up.sql',
      'CREATE TABLE t (id int);',
      down('db/m/1.down.sql'),
      true,
      'down step in db/m/1.down.sql',
    ],
    ['plain sql, no down', 'db/m/1.sql', 'CREATE TABLE t (id int);', null, false, 'no down step'],
    [
      'goose with Down section',
      'db/m/1.sql',
      '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n',
      null,
      true,
      'goose Down',
    ],
    [
      'goose with empty Down section',
      'db/m/1.sql',
      '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\n',
      null,
      false,
      'no down step',
    ],
    [
      'DROP COLUMN even with a down file',
      'db/m/2.up.sql',
      'ALTER TABLE users DROP COLUMN email;',
      down('db/m/2.down.sql'),
      false,
      'DROP COLUMN',
    ],
    [
      'column type change',
      'db/m/3.up.sql',
      'ALTER TABLE t ALTER COLUMN price TYPE numeric(10,2);',
      down('db/m/3.down.sql'),
      false,
      'column type change',
    ],
    ['DROP TABLE', 'db/m/4.sql', 'DROP TABLE legacy;', null, false, 'DROP TABLE'],
    [
      'dropping a constraint is not data loss',
      'db/m/5.up.sql',
      'ALTER TABLE t DROP CONSTRAINT fk_x;',
      down('db/m/5.down.sql'),
      true,
      'down step',
    ],
    [
      'prisma',
      'prisma/migrations/20240101_init/migration.sql',
      'CREATE TABLE "User" (id int);',
      null,
      false,
      'Prisma migrations have no down step',
    ],
    [
      'rails change',
      'db/migrate/20240101_add_users.rb',
      'class AddUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users\n  end\nend\n',
      null,
      true,
      'def change',
    ],
    [
      'rails irreversible',
      'db/migrate/1_x.rb',
      'def up\n  execute "x"\nend\ndef down\n  raise ActiveRecord::IrreversibleMigration\nend\n',
      null,
      false,
      'IrreversibleMigration',
    ],
    [
      'rails remove_column',
      'db/migrate/1_x.rb',
      'def change\n  remove_column :users, :email\nend\n',
      null,
      false,
      'remove_column',
    ],
    [
      'alembic downgrade',
      'alembic/versions/abc_add.py',
      'def upgrade():\n    op.add_column("t", sa.Column("x", sa.Integer()))\n\n\ndef downgrade():\n    op.drop_column("t", "x")\n',
      null,
      true,
      'def downgrade()',
    ],
    [
      'alembic empty downgrade',
      'alembic/versions/abc_add.py',
      'def upgrade():\n    op.add_column("t", sa.Column("x", sa.Integer()))\n\n\ndef downgrade():\n    pass\n',
      null,
      false,
      'downgrade() is empty',
    ],
    [
      'django RunPython without reverse',
      'app/migrations/0002_data.py',
      'class Migration(migrations.Migration):\n    operations = [migrations.RunPython(forwards)]\n',
      null,
      false,
      'RunPython without reverse_code',
    ],
    [
      'django AddField',
      'app/migrations/0003_x.py',
      'class Migration(migrations.Migration):\n    operations = [migrations.AddField("m", "f", models.IntegerField(null=True))]\n',
      null,
      true,
      'Django',
    ],
    [
      'knex down',
      'migrations/20240101_users.js',
      'exports.up = (knex) => knex.schema.createTable("u", () => {});\nexports.down = (knex) => knex.schema.dropTable("u");\n',
      null,
      true,
      'down()',
    ],
    [
      'typeorm down',
      'src/migrations/1700-Users.ts',
      'export class Users1700 { public async up(q) { await q.query("CREATE TABLE u (id int)"); }\n public async down(q) { await q.query("DROP TABLE u"); } }',
      null,
      true,
      'down()',
    ],
    ['unknown format', 'migrations/1.bin', 'xyz', null, false, 'format not recognised'],
    [
      'mybatis undo section with DROP',
      'scripts/001_users.sql',
      'CREATE TABLE u (id int);\n--//@UNDO\nDROP TABLE u;\n',
      null,
      true,
      '@UNDO',
    ],
    [
      'laravel down()',
      'database/migrations/2024_users.php',
      'public function up() { Schema::create("u", fn() => 1); }\npublic function down() { Schema::dropIfExists("u"); }',
      null,
      true,
      'down()',
    ],
    [
      'laravel dropIfExists in up',
      'database/migrations/2024_x.php',
      'public function up() { Schema::dropIfExists("old"); }\npublic function down() {}',
      null,
      false,
      'dropColumn/dropTable',
    ],
    [
      'goose Go migration',
      'db/migrations/00002_x.go',
      'func init() { goose.AddMigrationContext(upX, downX) }',
      null,
      true,
      'downX()',
    ],
    [
      'goose Go migration, nil down',
      'db/migrations/00003_x.go',
      'func init() { goose.AddMigration(upX, nil) }',
      null,
      false,
      'nil down',
    ],
    [
      'rails down with nested block',
      'db/migrate/1_x.rb',
      'def up\n  add_column :u, :e, :string\nend\ndef down\n  change_table :u do |t|\n    t.remove :e\n  end\n  remove_column :u, :f\nend\n',
      null,
      true,
      'def down',
    ],
  ] as const)('%s', (_name, path, content, downFile, reversible, reason) => {
    const verdict = classifyMigration(path, content, downFile, []);
    expect(verdict.reversible).toBe(reversible);
    expect(verdict.reason).toContain(reason);
  });

  it('configured irreversible patterns name the match', () => {
    const verdict = classifyMigration(
      'db/m/1.up.sql',
      'UPDATE users SET email = lower(email);',
      down('db/m/1.down.sql'),
      ['\\bupdate\\s+\\w+\\s+set\\b'],
    );
    expect(verdict).toMatchObject({ reversible: false });
    expect(verdict.reason).toContain('"UPDATE users SET"');
  });
});
