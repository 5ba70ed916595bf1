/**
 * Runs one builder as a child process in its build directory, with its own log file: stdout and
 * stderr both go to the log (never to the terminal, so parallel builds never interleave), preceded
 * by the command line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** How a builder ended. */
export interface BuilderExit {
  /** Exit status, or null when killed by a signal or it could not start. */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start (ENOENT: the program is not on PATH). */
  spawnError?: string;
}

/** Runs `argv` in `cwd` with exactly `env`, appending its output to `log`. */
export function runBuilder(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  log: string,
): Promise<BuilderExit> {
  const fd = fs.openSync(log, 'a', 0o644);
  fs.writeSync(fd, `$ ${argv.map(quote).join(' ')}\n`);
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', fd, fd] });
    let done = false;
    const finish = (exit: BuilderExit) => {
      if (done) return;
      done = true;
      fs.closeSync(fd);
      resolve(exit);
    };
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ status: null, signal: null, spawnError: err.code ?? err.message }),
    );
    child.on('close', (status, signal) => finish({ status, signal }));
  });
}

/** The last `count` lines of a log, for the message of a failed build. */
export function lastLines(log: string, count: number): string[] {
  let text = '';
  try {
    text = fs.readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
