/**
 * One rock-build at a time per output directory: two runs at once (two terminals, a CI matrix on
 * one runner) would share work directories and race on the state file. The second waits, saying so.
 */
import path from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { makeDirs } from '../util/make-dirs.js';
import { acquireLock } from '../util/process-lock.js';

/** The lock file of an output directory: beside the state directory, so `clean` never removes it. */
export function outputLockFile(outputDir: string): string {
  return path.join(outputDir, '.rock-build.lock');
}

/** Runs `work` holding the output directory's lock (created with the directory when missing). */
export async function withOutputLock<T>(
  outputDir: string,
  context: CommandContext,
  work: () => Promise<T>,
): Promise<T> {
  makeDirs(outputDir);
  const file = outputLockFile(outputDir);
  const release = await acquireLock(file, {
    onWait: (holder) =>
      context.io.err(
        holder === undefined
          ? `rock-build: waiting for ${file} (its holder is not readable; remove it if no rock-build runs)`
          : `rock-build: waiting for another rock-build (pid ${holder.pid}, since ${holder.started}) using ${outputDir}`,
      ),
  });
  try {
    return await work();
  } finally {
    release();
  }
}
