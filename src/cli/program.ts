import { Command } from '@commander-js/extra-typings';
import { VERSION } from '../version.js';

/**
 * The top of every tool's program: name, description, `--version`, the usage hint after an error,
 * the examples after `--help`, and exitOverride set before any subcommand exists (subcommands copy
 * it, so their usage errors reach runCli as exit 2 instead of calling process.exit).
 */
export function toolProgram(name: string, description: string, examples: string): Command {
  return new Command(name)
    .description(description)
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', examples)
    .exitOverride();
}
