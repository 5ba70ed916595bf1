import { rockHome } from '../util/rock-home.js';
import type { RunContext } from '../util/run-context.js';
import { type Io, processIo } from './io.js';

/**
 * Everything a command may know about the world it runs in. The CLI pattern of this suite:
 *
 * 1. `src/cli/<tool>.ts` declares flags (commander) and maps the parsed flags onto a typed options
 *    object of the library (`CreateImageOptions`, ...): no logic beyond the mapping.
 * 2. The work is one library function `(options, context) => result`; it reads `cwd`, `env` and
 *    `home` from the context, never from `process`.
 * 3. The CLI renders the result (text or `--json`) through `context.io`.
 *
 * Tests build a context with {@link testContext} instead of mutating `process.env` or `process.cwd()`.
 */
export interface CommandContext extends RunContext {
  /** stdout and stderr, one line per call. */
  readonly io: Io;
  /** Terminal facts, for progress redraws and colour. */
  readonly terminal: TerminalFacts;
}

export interface TerminalFacts {
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colour allowed: a terminal, NO_COLOR unset or empty, TERM not `dumb`. */
  readonly color: boolean;
  /** Width of stderr when it is a terminal. */
  readonly columns: number;
}

/** The context of the running process. */
export function processContext(): CommandContext {
  const env = process.env;
  return {
    cwd: process.cwd(),
    env,
    home: rockHome(env),
    io: processIo,
    terminal: {
      stdoutIsTTY: Boolean(process.stdout.isTTY),
      stderrIsTTY: Boolean(process.stderr.isTTY),
      color: Boolean(process.stdout.isTTY) && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb',
      columns: process.stderr.columns ?? 80,
    },
  };
}

/** A context for tests: no terminal, the given cwd/env/io, ROCK_HOME from `env` (or `home`). */
export function testContext(
  overrides: { cwd?: string; env?: NodeJS.ProcessEnv; home?: string; io?: Io } = {},
): CommandContext {
  const env = overrides.env ?? {};
  return {
    cwd: overrides.cwd ?? process.cwd(),
    env,
    home: overrides.home ?? rockHome(env),
    io: overrides.io ?? { out: () => {}, err: () => {} },
    terminal: { stdoutIsTTY: false, stderrIsTTY: false, color: false, columns: 80 },
  };
}

/**
 * A command's work: a typed options object in, a result out. Library commands take the narrower
 * RunContext (cwd, env, home), which every CommandContext is.
 */
export type CommandHandler<Options, Result> = (options: Options, context: CommandContext) => Promise<Result>;

/** True for a CommandContext, false for a bare Io (the older builder signature some tools still take). */
export function isCommandContext(value: Io | CommandContext): value is CommandContext {
  return 'io' in value && 'terminal' in value;
}

/** The context of `value`: itself, or for a bare Io the process context writing to that Io. */
export function contextOf(value: Io | CommandContext): CommandContext {
  return isCommandContext(value) ? value : { ...processContext(), io: value };
}
