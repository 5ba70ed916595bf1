import path from 'node:path';
import { CheckError } from '../errors/index.js';
import type { RunContext } from '../util/run-context.js';
import { type CheckResult, checkDeps } from './check-deps.js';
import { type CopyReport, copyDeps } from './copy-deps.js';
import { hostFs } from './fs-view.js';
import { resolveDeps } from './resolve-deps.js';
import type { DepsResult, ResolveOptions } from './types.js';
import { checkVersions } from './version-check.js';

/** Options shared by the `rock-deps` commands: a sysroot plus the loader's environment. */
export interface ScanOptions extends ResolveOptions {
  /** Resolve inside this directory as `/` (a sysroot or an unpacked image). */
  root?: string;
}

/**
 * A binary path as given on a command line, inside the tree: with a root, a host path under the root
 * (`rootfs/usr/bin/x`) has the root stripped; any other path is taken as already inside the root.
 */
export function pathInRoot(file: string, root: string | undefined): string {
  if (root === undefined) return path.resolve(file);
  const abs = path.resolve(root);
  const full = path.resolve(file);
  if (full === abs || full.startsWith(`${abs}/`)) return `/${path.relative(abs, full)}`;
  return path.posix.resolve('/', file);
}

/**
 * Resolves binaries on the host or inside `options.root` ({@link resolveDeps} over {@link hostFs}) and
 * checks the symbol versions their closures need ({@link checkVersions}).
 */
export function scanBinaries(files: readonly string[], options: ScanOptions = {}): DepsResult {
  const { root, ...resolve } = options;
  const fs = hostFs(root);
  const result = resolveDeps(
    files.map((f) => pathInRoot(f, root)),
    fs,
    resolve,
  );
  return checkVersions(result, fs);
}

/**
 * Resolves binaries and copies their interpreters and libraries into `rootfs` ({@link copyDeps}).
 * Refuses (CheckError DEPS_MISSING, nothing written) when anything does not resolve.
 */
export async function copyBinaries(
  files: readonly string[],
  rootfs: string,
  options: ScanOptions = {},
): Promise<{ result: DepsResult; report: CopyReport }> {
  const result = scanBinaries(files, options);
  if (!result.ok) {
    const bad = result.binaries.filter((b) => !b.ok).map((b) => b.path);
    throw new CheckError(
      'DEPS_MISSING',
      `${bad.join(', ')}: dependencies do not all resolve; nothing copied (run rock-deps scan)`,
      {
        binaries: bad,
      },
    );
  }
  const report = await copyDeps(result, hostFs(options.root), rootfs);
  return { result, report };
}

/** Resolves one binary and checks that every named library is in its closure ({@link checkDeps}). */
export function checkBinary(
  file: string,
  names: readonly string[],
  options: ScanOptions = {},
): { result: DepsResult; check: CheckResult } {
  const result = scanBinaries([file], options);
  return { result, check: checkDeps(result.binaries[0] as DepsResult['binaries'][number], names) };
}

/** `scan` and `tree`: binaries resolved with the loader's rules. */
export interface ScanCommandOptions extends ScanOptions {
  binaries: string[];
}

/** `copy`: binaries whose interpreters and libraries go under `to`. */
export interface CopyCommandOptions extends ScanCommandOptions {
  to: string;
}

/** `check`: one binary and the libraries its closure must hold. */
export interface CheckCommandOptions extends ScanOptions {
  binary: string;
  libraries: string[];
}

/** Every rock-deps command; the CLI takes this table (tests pass recording ones). */
export interface DepsCommands {
  scan(options: ScanCommandOptions, context: RunContext): Promise<DepsResult>;
  copy(options: CopyCommandOptions, context: RunContext): Promise<{ result: DepsResult; report: CopyReport }>;
  check(
    options: CheckCommandOptions,
    context: RunContext,
  ): Promise<{ result: DepsResult; check: CheckResult }>;
}

export const depsCommands: DepsCommands = {
  scan: async ({ binaries, ...o }) => scanBinaries(binaries, o),
  copy: ({ binaries, to, ...o }) => copyBinaries(binaries, to, o),
  check: async ({ binary, libraries, ...o }) => checkBinary(binary, libraries, o),
};
