import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is src/kernel/test-support/kernel-deb.ts. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The Debian cloud kernel package the tests use: `$ROCK_TEST_KERNEL_DEB`, else the one .deb in
 * `<repo>/.cache/kernel/`. Throws, naming the script that fetches it: tests fail, never skip.
 */
export function testKernelDeb(): string {
  const fromEnv = process.env.ROCK_TEST_KERNEL_DEB;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv))
      throw new Error(`ROCK_TEST_KERNEL_DEB=${fromEnv}: no such file (run scripts/fetch-kernel.sh)`);
    return fromEnv;
  }
  const dir = path.join(repoRoot, '.cache/kernel');
  const debs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^linux-image-.*\.deb$/.test(f)) : [];
  if (debs.length === 0) {
    throw new Error(
      `no linux-image-*.deb in ${dir} and ROCK_TEST_KERNEL_DEB unset: run scripts/fetch-kernel.sh`,
    );
  }
  return path.join(dir, debs.sort().at(-1)!);
}

/** A fresh ROCK_HOME in the temp directory; remove it with {@link removeTemp}. */
export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rock-'));
}

export function removeTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs a command, returning stdout (throws with stderr on failure). */
export function run(cmd: string, args: string[], cwd?: string): Buffer {
  return execFileSync(cmd, args, { cwd, maxBuffer: 1 << 28 });
}

/** The names of the members of a directory tree, relative, sorted. */
export function treeFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((p) => p.split(path.sep).join('/'))
    .sort();
}
