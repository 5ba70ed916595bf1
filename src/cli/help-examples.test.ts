import type { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { testContext } from './context.js';
import { ALL_PROGRAMS } from './test-support/all-programs.js';

/** Every command of a program, with its full name (`rock-kernel list`). */
function walk(command: Command, prefix = ''): [string, Command][] {
  const name = `${prefix}${command.name()}`;
  return [[name, command], ...command.commands.flatMap((c) => walk(c as Command, `${name} `))];
}

/** What `--help` prints for a command, the text added after it included. */
function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('--help of every command has an example', () => {
  const commands = ALL_PROGRAMS.flatMap(([, build]) => walk(build(testContext())));

  it('walks every tool (and finds the nested ones)', () => {
    const names = commands.map(([n]) => n);
    expect(names).toContain('rock-image cpio create');
    expect(names).toContain('rock-kernel default');
    expect(names).toContain('rock-mac allocate');
    expect(names.length).toBeGreaterThan(40);
  });

  it.each(commands.map(([n, c]) => [n, c] as const))('%s', (name, command) => {
    const tool = name.split(' ')[0] as string;
    expect(helpText(command)).toContain(`$ ${tool}`);
  });
});
