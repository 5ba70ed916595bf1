import { CommanderError } from 'commander';
import { ExitError, ToolError } from '../errors/index.js';
import { type CommandContext, contextOf, processContext } from './context.js';
import type { Io } from './io.js';

export { type Io, processIo } from './io.js';

/** Exit codes every tool documents. */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, bug: 70 } as const;

interface Parsable {
  readonly commands: readonly Parsable[];
  exitOverride(): unknown;
  parseAsync(argv: readonly string[], options?: { from: 'node' | 'user' }): Promise<unknown>;
}

/**
 * Runs a commander program and turns whatever happens into an exit code, the one place that does:
 * a ToolError prints its one line (or `{"error": ...}` with `--json`) and exits with its code,
 * usage errors exit 2, `--help` exits 0, anything else is a bug (exit 70, with the stack).
 * `where` is the command's context (or, for tools not converted yet, a bare Io).
 */
export async function runCli(
  tool: string,
  program: Parsable,
  argv: readonly string[],
  where: Io | CommandContext = processContext(),
): Promise<number> {
  const { io } = contextOf(where);
  exitOverrideAll(program);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT.ok;
      // commander already printed its own one-line message on stderr; --json gets it as an error object.
      if (json) io.out(JSON.stringify({ error: usageError(err) }));
      return EXIT.badInput;
    }
    if (err instanceof ToolError) {
      if (json)
        io.out(JSON.stringify({ error: { code: err.code, message: err.message, data: jsonSafe(err.data) } }));
      else io.err(`${tool}: ${err.message}`);
      return err.exitCode;
    }
    io.err(
      `${tool}: internal error (a bug in rock-os-tools): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return EXIT.bug;
  }
}

/** A usage error as the `{"error": ...}` object: code USAGE, commander's own reason in data. */
function usageError(err: CommanderError): { code: string; message: string; data: { reason: string } } {
  return { code: 'USAGE', message: err.message.replace(/^error: /, ''), data: { reason: err.code } };
}

/** commander copies settings to subcommands only when they are created: set it on every level. */
function exitOverrideAll(command: Parsable): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}

function jsonSafe(data: Readonly<Record<string, unknown>>): unknown {
  return JSON.parse(JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/**
 * Runs a tool as the process entry point: the only place that sets the process's exit code.
 * `program` is the tool's program, or its builder, which gets the process's context.
 */
export function main(
  tool: string,
  program: Parsable | ((context: CommandContext) => Parsable),
  context: CommandContext = processContext(),
): void {
  // `rock-x --help | head`: the reader went away; stop quietly like other Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const built = typeof program === 'function' ? program(context) : program;
  runCli(tool, built, process.argv.slice(2), context).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${tool}: internal error: ${String(err)}\n`);
      process.exitCode = EXIT.bug;
    },
  );
}
