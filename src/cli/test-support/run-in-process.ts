import type { Command } from '@commander-js/extra-typings';
import { type Io, runCli } from '../run.js';

/** What a tool printed and the exit code it would have had. */
export interface Captured {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs a tool's program in this process, as its bin would (`runCli` maps errors to exit codes),
 * capturing stdout and stderr lines.
 */
export async function runInProcess(
  tool: string,
  makeProgram: (io: Io) => Command,
  argv: readonly string[],
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runCli(tool, makeProgram(io), argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
