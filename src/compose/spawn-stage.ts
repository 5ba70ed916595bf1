/**
 * Runs one attempt of a stage as its own process group (`detached`: a new session whose id is the
 * child's pid), so a timeout or Ctrl-C kills everything the stage started, grandchildren included,
 * with `kill(-pgid)`: SIGTERM, then SIGKILL after a grace period. stdout and stderr go to the
 * stage's log; stdout is also kept when the stage captures it.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Options of {@link spawnStage}. */
export interface SpawnOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the output goes (the stage's log). */
  log: Writable;
  /** Keep stdout in memory (for `capture:`). */
  keepStdout: boolean;
  /** Do not copy stdout into the log (a secret capture). */
  hideStdout: boolean;
  timeoutMs?: number;
  /** Aborted by Ctrl-C: the group is killed. */
  signal: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
}

/** How an attempt ended. */
export interface SpawnResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  interrupted: boolean;
  stdout: Buffer;
  /** Set when the program could not be started at all. */
  startError?: string;
}

/** Runs the attempt; never rejects. */
export function spawnStage(options: SpawnOptions): Promise<SpawnResult> {
  return new Promise((done) => {
    const [program, ...args] = options.argv;
    const chunks: Buffer[] = [];
    let timedOut = false;
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    let startError: string | undefined;
    const child = spawn(program ?? '', args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 2000);
    };
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs);
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (options.keepStdout) chunks.push(chunk);
      if (!options.hideStdout) options.log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => options.log.write(chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      startError = err.code === 'ENOENT' ? `${program}: command not found` : `${program}: ${err.message}`;
    });
    child.on('close', (code, sig) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      // Whatever of the group outlived its leader after a kill goes too.
      if (timedOut || interrupted) killGroup('SIGKILL');
      done({
        exitCode: code,
        signal: sig,
        timedOut,
        interrupted,
        stdout: Buffer.concat(chunks),
        ...(startError === undefined ? {} : { startError }),
      });
    });
  });
}
