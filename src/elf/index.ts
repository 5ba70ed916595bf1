/**
 * A reader of the ELF facts the dynamic loader acts on: class, byte order, machine, type, PT_INTERP,
 * the dynamic section (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS_1) and the symbol versions
 * the loader checks (DT_VERNEED, DT_VERDEF). It reads headers and strings only, never executes
 * anything, and turns any malformed input into a typed {@link ElfError}.
 */
export { DF_1 } from './dynamic.js';
export { hasElfMagic } from './elf-header.js';
export { ELF_ERROR_CODES, type ElfThrownErrorCode } from './error-codes.js';
export { ELF_LIMITS, ElfError, type ElfErrorCode } from './errors.js';
export { type FileIdentity, identifyFile, identifySource } from './identify.js';
export { loadSegmentProblem } from './load-segments.js';
export { type ElfType, EM, machineName } from './machines.js';
export { type ElfInfo, type ElfKind, readElfFile, readElfInfo, readElfSource } from './read-elf.js';
export {
  type ElfVersions,
  missingVersions,
  readElfVersions,
  readElfVersionsSource,
  type VersionName,
  type VersionNeed,
} from './versions.js';
