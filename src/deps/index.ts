/**
 * Exact dependency resolution with the loader's own rules (glibc's ld.so and musl's), without executing
 * anything: for the host, a sysroot, or an image held in memory (any {@link FsView}).
 */
export { isGlibcObject, isMuslObject, type LibcFlavor, libcFlavor } from './abi.js';
export { type CheckResult, checkDeps } from './check-deps.js';
export {
  type CheckCommandOptions,
  type CopyCommandOptions,
  checkBinary,
  copyBinaries,
  type DepsCommands,
  depsCommands,
  pathInRoot,
  type ScanCommandOptions,
  type ScanOptions,
  scanBinaries,
} from './commands.js';
export { type CopyAction, type CopyReport, copyDeps } from './copy-deps.js';
export { expandDst } from './dst.js';
export { DEPS_ERROR_CODES, type DepsErrorCode } from './error-codes.js';
export { formatScan, formatTree, formatVersionProblem } from './format.js';
export { type ElfKnown, type FsStat, type FsView, hostFs } from './fs-view.js';
export {
  indexLdSoCache,
  type LdSoCache,
  type LdSoCacheEntry,
  lookupLdSoCache,
  parseLdSoCache,
} from './ld-so-cache.js';
export { expandGlob, type LdSoConf, parseLdSoConf } from './ld-so-conf.js';
export { findSystemDirs } from './loader-setup.js';
export { type MemoryEntry, memoryFs } from './memory-fs.js';
export { isMuslReserved } from './musl-search.js';
export { DepsResolver, resolveDeps } from './resolve-deps.js';
export { MAX_SYMLINK_HOPS, type Resolved, resolveIn } from './resolve-path.js';
export type {
  BinaryDeps,
  DepEdge,
  DepLibrary,
  DepsResult,
  FoundVia,
  ResolveOptions,
  VersionProblem,
} from './types.js';
export { checkVersions, VersionChecker, withVersionProblems } from './version-check.js';
