import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { makeRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/run.js';

/** The command table: what --help lists and which formats each command writes are data. */

describe('the command table', () => {
  it('lists every command once, and each one in --help with its description', async () => {
    const names = COMMANDS.map((command) => command.path.join(' '));
    expect(new Set(names).size).toBe(names.length);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) {
      const group = await runCli([...command.path.slice(0, -1), '--help']);
      expect(group.stdout).toContain(command.description.slice(0, 40));
    }
  });

  it('only insights writes HTML; every command writes text', () => {
    expect(COMMANDS.filter((c) => c.formats.includes('html')).map((c) => c.path.join(' '))).toEqual([
      'insights',
    ]);
    expect(COMMANDS.every((c) => c.formats.includes('text'))).toBe(true);
  });

  it.each([
    [
      ['--format', 'html', 'plan'],
      'plan --format html: only insights writes HTML; use text, json, markdown or github.',
    ],
    [
      ['--format', 'html', 'ledger', 'list'],
      'ledger list --format html: only insights writes HTML; use text, json, markdown or github.',
    ],
    [['--format', 'github', 'backtest'], 'backtest --format github: use text, json or markdown.'],
    [['--format', 'github', 'insights'], 'insights --format github: use text, json, markdown or html.'],
    [['--format', 'markdown', 'calibrate'], 'calibrate --format markdown: use text or json.'],
    [['--format', 'pdf', 'plan'], "option '--format <format>' argument 'pdf' is invalid"],
  ])('%j is refused with exit 2 before any work, naming what the command writes', async (args, message) => {
    // No repository at all: the format is checked before the workspace is opened.
    const result = await runCli([...args], { cwd: '/' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an option table value reaches the use case under its key (--fail-on, --dry-run)', async () => {
    const repo = makeRepo();
    try {
      repo.write('a.txt', 'a\n');
      repo.commit('one');
      const never = await runCli(['--repo', repo.dir, 'plan', '--fail-on', 'never', '--dry-run', '--record']);
      expect(never.code).toBe(0);
      const list = await runCli(['--repo', repo.dir, '--format', 'json', 'ledger', 'list']);
      expect(JSON.parse(list.stdout)).toEqual([]);
      const bad = await runCli(['--repo', repo.dir, 'plan', '--fail-on', 'sometimes']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("argument 'sometimes' is invalid");
    } finally {
      repo.cleanup();
    }
  });
});
