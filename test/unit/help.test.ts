import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/commands/examples.js';
import { GLOBAL_OPTIONS } from '../../src/commands/global.js';
import { COMMANDS } from '../../src/commands/table.js';
import { runCli } from '../helpers/run.js';

// Help that teaches (issue #14): every command's --help lists every option it accepts, its own and
// the global ones, and ends with two or three real examples.
const flag = (key: string, negate?: boolean) =>
  `--${negate === true ? 'no-' : ''}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const GLOBAL_FLAGS = Object.entries(GLOBAL_OPTIONS).map(([key, spec]) => flag(key, spec.negate));

describe('every command --help', () => {
  it.each(COMMANDS.map((command) => [command.path.join(' '), command] as const))(
    '%s --help lists every option it accepts and ends with real examples',
    async (_name, command) => {
      const result = await runCli([...command.path, '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const own = Object.entries(command.options).map(([key, spec]) => flag(key, spec.negate));
      for (const option of [...own, ...GLOBAL_FLAGS, '--help'])
        expect(result.stdout, option).toMatch(new RegExp(`(^|[\\s,])${option}\\b`, 'm'));

      const examples = EXAMPLES[command.path.join(' ')] ?? [];
      expect(examples.length).toBeGreaterThanOrEqual(2);
      expect(examples.length).toBeLessThanOrEqual(3);
      const tail = `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`;
      expect(result.stdout.trimEnd().endsWith(tail.trimEnd())).toBe(true);
      // Each example is this command, with options it really accepts.
      for (const example of examples) {
        expect(example.startsWith(`deployadvisor ${command.path.join(' ')}`), example).toBe(true);
        for (const used of example.match(/(?<=\s)--[a-z-]+/g) ?? [])
          expect([...own, ...GLOBAL_FLAGS], `${example}: ${used}`).toContain(used);
      }
    },
  );

  it('examples exist only for commands that exist', () => {
    const names = new Set(COMMANDS.map((command) => command.path.join(' ')));
    expect(Object.keys(EXAMPLES).filter((name) => !names.has(name))).toEqual([]);
  });

  it.each([[[]], [['ledger']], [['config']]])(
    'no command (%j) prints the help to stdout with exit 0',
    async (args) => {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: deployadvisor/);
      expect(result.stderr).toBe('');
    },
  );

  it('an unknown command is still an error on stderr with exit 2', async () => {
    const result = await runCli(['nope']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("unknown command 'nope'");
  });
});
