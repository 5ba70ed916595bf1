import type { ElfInfo } from '../elf/index.js';
import type { LibcFlavor } from './abi.js';

/** Options of {@link resolveDeps}: the parts of a process's environment the loader reads. */
export interface ResolveOptions {
  /** LD_LIBRARY_PATH directories (searched only when given: the tool never reads its own environment). */
  ldLibraryPath?: string[];
  /** `$PLATFORM` (AT_PLATFORM); default by machine (`x86_64`, `i686`, `aarch64`), else tokens using it drop. */
  platform?: string;
  /** Resolving for this machine's own `/` (set from the FsView): `$PLATFORM` defaults to what ld.so computes here. */
  runsHere?: boolean;
  /** `$LIB`; default derived from the loader's first trusted directory (`/lib/x86_64-linux-gnu/` gives `lib/x86_64-linux-gnu`). */
  lib?: string;
  /**
   * glibc-hwcaps subdirectories the target CPU supports, best first (e.g. `['x86-64-v3', 'x86-64-v2']`);
   * searched before each directory and preferred in ld.so.cache. Default none: the target CPU is unknown.
   */
  hwcaps?: string[];
  /** Directory relative paths are resolved against (default `/`). */
  cwd?: string;
  /**
   * When the tree has no /etc/ld.so.cache, also search the ld.so.conf directories, as if `ldconfig` will be
   * run before boot. Default false: without a cache glibc's loader never reads ld.so.conf.
   */
  ldSoConfFallback?: boolean;
}

/** How a library was found, named after the step of the loader's search that found it. */
export type FoundVia =
  | 'interpreter'
  | 'loaded'
  | 'direct'
  | 'rpath'
  | 'ld-library-path'
  | 'runpath'
  | 'ld.so.cache'
  | 'ld.so.conf'
  | 'default-path'
  | 'musl-path'
  | 'musl-self';

/** A dependency edge: the name an object asks for and the library it got (-1: the binary itself). */
export interface DepEdge {
  name: string;
  target: number;
}

/** One object of a binary's closure: the interpreter, a library found, or a name nothing answered. */
export interface DepLibrary {
  /** The name first asked for (DT_NEEDED string, or the PT_INTERP path for the interpreter). */
  soname: string;
  /** Every name it answered to (DT_NEEDED strings, its DT_SONAME, the interpreter path). */
  names: string[];
  /** The path the loader opens (as built from the search directory, symlinks unresolved); null: not found. */
  path: string | null;
  /** The real file behind `path`. */
  realPath: string | null;
  /** Every symlink crossed from `path` (directories included), then the real file. */
  chain: string[];
  via: FoundVia | null;
  /** Candidate paths tried, in the loader's order, up to the one that was used. */
  searched: string[];
  /** Candidates that exist but were passed over (wrong class or machine, other C library). */
  rejected: { path: string; reason: string }[];
  /** Why the loader would stop at this library (it exists but cannot be loaded), when it would. */
  error?: string;
  /** A likely fix when it was not found (e.g. a stale or absent ld.so.cache). */
  hint?: string;
  /** Paths of the objects that asked for it. */
  requiredBy: string[];
  /** Its own DT_NEEDED, each with the library it resolved to. */
  needed: DepEdge[];
  /** Its ELF facts when it was found and readable. */
  elf?: ElfInfo;
}

/** The result for one binary given to {@link resolveDeps}. */
export interface BinaryDeps {
  path: string;
  realPath: string | null;
  /** `elf`, `script` (`#!`), `other` (neither: cannot be run), `missing`, or `error` (unreadable, corrupt). */
  identity: 'elf' | 'script' | 'other' | 'missing' | 'error';
  elf?: ElfInfo;
  /** The loader that runs it (absent for static binaries, scripts and non-ELF files). */
  libc?: LibcFlavor;
  /** PT_INTERP resolved (also the first entry of `libraries`); null when there is none. */
  interpreter: DepLibrary | null;
  /** The closure in the loader's (breadth-first) load order. */
  libraries: DepLibrary[];
  /** The binary's own DT_NEEDED, each with the library it resolved to. */
  needed: DepEdge[];
  /** For a `#!` script: its interpreter line and that interpreter resolved in turn. */
  script?: { interpreter: string; args: string; target: BinaryDeps };
  error?: { code: string; message: string };
  /**
   * Symbol versions glibc's loader would refuse (set by `checkVersions` when there are any):
   * the binary would stop before main with "version `X' not found".
   */
  versionProblems?: VersionProblem[];
  /** Nothing missing, no load error, no missing symbol version, and it can be run. */
  ok: boolean;
}

/**
 * A symbol-version failure in a binary's closure: `missing`, an object (`object`, a real path) needs
 * versions from the library it names `file` (DT_VERNEED) that the library loaded for it (`library`, the
 * path the loader opened) does not define (`defined`, its DT_VERDEF names); or `unreadable`, the
 * object's version records cannot be read (`message`).
 */
export type VersionProblem =
  | { kind: 'missing'; object: string; file: string; library: string; missing: string[]; defined: string[] }
  | { kind: 'unreadable'; object: string; message: string };

/** What {@link resolveDeps} returns. */
export interface DepsResult {
  binaries: BinaryDeps[];
  /** Every binary is ok. */
  ok: boolean;
  /** How the search was set up (trusted directories, cache), for reports. */
  notes: string[];
}
