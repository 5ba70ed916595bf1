/**
 * Naming a builder's toolchain for the key: the output of its version commands (`rustc -vV`,
 * `go version`, `cc --version`), run with the child's PATH, and for a `command` builder the sha256 of
 * the program file itself. A missing program is named as absent rather than failing here: the build
 * (or `rock-build check`) says what to install.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The program file `name` runs as on `PATH` (a name with a `/` is taken as it is), or undefined. */
export function findOnPath(name: string, PATH: string, cwd: string): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(cwd, name)]
    : PATH.split(':').map((d) => path.join(d || '.', name));
  for (const c of candidates) {
    try {
      const st = fs.statSync(c);
      if (st.isFile() && (st.mode & 0o111) !== 0) return c;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}

/** One fact of the toolchain: what a version command printed, or a program's hash. */
export interface ToolchainFact {
  argv: string[];
  /** stdout and stderr of the command, `absent` when it could not be run, or `sha256:<hex>`. */
  output: string;
}

/** Runs version commands once per (argv, PATH) for a whole rock-build run. */
export class ToolchainProbe {
  private readonly seen = new Map<string, ToolchainFact>();

  /** The version command's output under `env` (its PATH and HOME). */
  version(argv: readonly string[], env: Readonly<Record<string, string>>): ToolchainFact {
    const id = JSON.stringify([argv, env.PATH, env.HOME]);
    const known = this.seen.get(id);
    if (known) return known;
    const [program, ...args] = argv as [string, ...string[]];
    const found = findOnPath(program, env.PATH ?? '', '/');
    let output = 'absent';
    if (found) {
      const run = spawnSync(found, args, {
        env,
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      output = run.status === 0 ? `${run.stdout}${run.stderr}`.trim() : 'absent';
    }
    const fact = { argv: [...argv], output };
    this.seen.set(id, fact);
    return fact;
  }

  /** The sha256 of the program `name` resolves to on PATH (`absent` when it does not). */
  program(name: string, env: Readonly<Record<string, string>>, cwd: string): ToolchainFact {
    const found = findOnPath(name, env.PATH ?? '', cwd);
    const output = found
      ? `sha256:${createHash('sha256').update(fs.readFileSync(found)).digest('hex')}`
      : 'absent';
    return { argv: [name], output };
  }
}
