import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is src/qemu/test-support/test-kernel.ts. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The kernel the boot tests use: `$ROCK_TEST_KERNEL`, else `<repo>/.cache/kernel/vmlinuz`.
 *
 * Throws when the file is missing, naming the script that provides it: boot tests must fail,
 * never skip, on a machine that lacks the kernel.
 */
export function testKernelPath(): string {
  const fromEnv = process.env.ROCK_TEST_KERNEL;
  const kernel = fromEnv && fromEnv !== '' ? fromEnv : path.join(repoRoot, '.cache/kernel/vmlinuz');
  if (!fs.existsSync(kernel)) {
    const source = fromEnv ? `ROCK_TEST_KERNEL=${fromEnv}` : 'the default location';
    throw new Error(`test kernel not found at ${kernel} (${source}): run scripts/fetch-kernel.sh`);
  }
  return kernel;
}

/** Names of the binaries scripts/build-fixtures.sh leaves in the fixtures directory. */
export const FIXTURE_BINARIES = ['rock-init', 'rock-manager', 'volcano-agent', 'busybox'] as const;

/**
 * The directory of the built test fixtures, `<repo>/.cache/fixtures`.
 *
 * Throws when any fixture binary is missing, naming the script that builds them.
 */
export function fixturesDir(): string {
  const dir = path.join(repoRoot, '.cache/fixtures');
  const missing = FIXTURE_BINARIES.filter((name) => !fs.existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new Error(`test fixtures missing in ${dir} (${missing.join(', ')}): run scripts/build-fixtures.sh`);
  }
  return dir;
}
