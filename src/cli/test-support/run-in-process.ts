import type { Command } from '@commander-js/extra-typings';
import { type CommandContext, testContext } from '../context.js';
import { type Io, runCli } from '../run.js';

/** What a tool printed and the exit code it would have had. */
export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** What a test may set of the context: the environment, ROCK_HOME, the working directory. */
export interface ContextOverrides {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * Runs a tool's program in this process, as its bin would (`runCli` maps errors to exit codes),
 * capturing stdout and stderr lines. The builder gets a test context that is also an Io, so both
 * builder shapes work: `(context: CommandContext)` and the older `(io: Io)`.
 */
export async function runInProcess(
  tool: string,
  makeProgram: (context: CommandContext & Io) => Command,
  argv: readonly string[],
  overrides: ContextOverrides = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const context = { ...testContext({ ...overrides, io }), ...io };
  const code = await runCli(tool, makeProgram(context), argv, context);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
