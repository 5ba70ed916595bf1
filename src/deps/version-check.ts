/**
 * Symbol versions, as glibc's loader checks them once a program's closure is loaded and before main
 * (elf/dl-version.c, `_dl_check_map_versions`): every version an object of the closure needs from a
 * library (DT_VERNEED) must be defined by the library the loader found under that name (DT_VERDEF).
 * A library older than the one the program was linked against stops it with
 * "version `OPENSSL_3.2.0' not found (required by ...)", whatever its DT_SONAME says.
 *
 * The one place this rule lives: `rock-deps` applies it to the host or a sysroot, `rock-verify` to an
 * image (both through {@link checkVersions} over their {@link FsView}).
 */
import {
  ElfError,
  type ElfVersions,
  missingVersions,
  readElfVersionsSource,
  type VersionNeed,
} from '../elf/index.js';
import { ToolError } from '../errors/index.js';
import { pagedSource, type RandomAccessSource } from '../util/random-access-source.js';
import type { FsView } from './fs-view.js';
import type { BinaryDeps, DepLibrary, DepsResult, VersionProblem } from './types.js';

/**
 * Checks closures against one view, reading each object's version records once however many binaries
 * load it (a few pages per object: the headers, PT_DYNAMIC and the records).
 */
export class VersionChecker {
  private readonly versions = new Map<string, ElfVersions | string>();
  private readonly pairs = new Map<VersionNeed, Map<string, VersionProblem | null>>();

  constructor(private readonly fs: FsView) {}

  /**
   * What glibc's loader would refuse in the closure of `binary`: per object (the binary, then each
   * library in load order) and per library it needs versions from, the non-weak versions that library
   * does not define; or the object's version records when they cannot be read (the loader refuses
   * those too). Empty for musl (its loader never reads DT_VERNEED), static binaries, scripts and
   * anything that did not resolve (the resolver reports those). A library found but unloadable, and
   * one without DT_VERDEF (glibc only warns, "no version information available"), are passed over.
   */
  check(binary: BinaryDeps): VersionProblem[] {
    if (binary.identity !== 'elf' || binary.libc !== 'glibc' || binary.realPath === null) return [];
    const objects = [
      binary.realPath,
      ...binary.libraries.filter(isLoadable).map((lib) => lib.realPath as string),
    ];
    // The library loaded under each name (the first to answer it, in load order).
    const byName = new Map<string, DepLibrary>();
    for (const lib of binary.libraries)
      for (const name of lib.names) if (!byName.has(name)) byName.set(name, lib);
    const problems: VersionProblem[] = [];
    for (const object of objects) {
      const own = this.read(object);
      if (typeof own === 'string') {
        problems.push({ kind: 'unreadable', object, message: own });
        continue;
      }
      for (const need of own.needs) {
        // One that failed to load is the resolver's report.
        const provider = byName.get(need.file);
        if (provider === undefined || !isLoadable(provider)) continue;
        const problem = this.pair(object, need, provider);
        if (problem !== null) problems.push(problem);
      }
    }
    return problems;
  }

  /** The missing versions of one need against one library, computed once per run (closures share them). */
  private pair(object: string, need: VersionNeed, provider: DepLibrary): VersionProblem | null {
    const realPath = provider.realPath as string;
    // Keyed by the need itself (read once per object) and the path opened: the view maps a path to
    // one real file, so no long string keys are built per closure.
    const library = provider.path ?? realPath;
    let byLibrary = this.pairs.get(need);
    if (byLibrary === undefined) {
      byLibrary = new Map();
      this.pairs.set(need, byLibrary);
    }
    let hit = byLibrary.get(library);
    if (hit === undefined) {
      const theirs = this.read(realPath);
      // A provider whose records do not parse is reported as an object of the closure.
      const missing = typeof theirs === 'string' ? [] : missingVersions(need, theirs.defs);
      hit =
        typeof theirs === 'string' || missing.length === 0
          ? null
          : {
              kind: 'missing',
              object,
              file: need.file,
              library,
              missing,
              defined: (theirs.defs ?? []).map((d) => d.name),
            };
      byLibrary.set(library, hit);
    }
    return hit;
  }

  /** The version records of a real path, or the message saying why they cannot be read. */
  private read(realPath: string): ElfVersions | string {
    let hit = this.versions.get(realPath);
    if (hit === undefined) {
      try {
        hit =
          this.fs.elf?.(realPath)?.versions ?? readElfVersionsSource(fileSource(this.fs, realPath), realPath);
      } catch (err) {
        if (err instanceof ElfError || err instanceof ToolError) hit = err.message;
        else hit = `${realPath}: cannot read: ${(err as NodeJS.ErrnoException).code ?? 'EIO'}`;
      }
      this.versions.set(realPath, hit);
    }
    return hit;
  }
}

/**
 * `result` with the symbol-version rule applied: every ELF binary (a script's interpreter included)
 * gets the problems {@link VersionChecker.check} finds as `versionProblems`, and is no longer `ok`
 * when there is any; `ok` of scripts and of the whole result follow. Returns new objects; `result` is
 * left as it was.
 */
export function checkVersions(result: DepsResult, fs: FsView): DepsResult {
  const checker = new VersionChecker(fs);
  const binaries = result.binaries.map((b) => withVersionProblems(b, checker));
  return { ...result, binaries, ok: binaries.every((b) => b.ok) };
}

/**
 * One binary of {@link checkVersions}: `binary` with the problems `checker` finds as `versionProblems`
 * (a script's interpreter checked in turn), `binary` itself when there are none.
 */
export function withVersionProblems(binary: BinaryDeps, checker: VersionChecker): BinaryDeps {
  if (binary.script) {
    const target = withVersionProblems(binary.script.target, checker);
    return { ...binary, script: { ...binary.script, target }, ok: binary.ok && target.ok };
  }
  const problems = checker.check(binary);
  return problems.length === 0 ? binary : { ...binary, versionProblems: problems, ok: false };
}

/** Bytes read at once from the start of an object: its headers and, usually, its version records. */
const HEAD_SIZE = 16 * 1024;

/**
 * Random access to a file of the view: the first 16 KiB in one read (two thirds of the reads a version
 * check makes fall there), the rest through a page cache.
 */
function fileSource(fs: FsView, path: string): RandomAccessSource {
  const size = fs.lstat(path)?.size ?? 0;
  const head = fs.read(path, 0, Math.min(size, HEAD_SIZE));
  const rest = pagedSource(size, (offset, length) => fs.read(path, offset, length));
  return {
    size,
    read: (offset, length) =>
      offset + length <= head.length ? head.subarray(offset, offset + length) : rest.read(offset, length),
  };
}

function isLoadable(lib: DepLibrary): boolean {
  return lib.path !== null && lib.realPath !== null && lib.error === undefined && lib.elf !== undefined;
}
