/**
 * Symbol versions, as glibc's loader checks them once a program's closure is loaded and before main
 * (elf/dl-version.c, `_dl_check_map_versions`): every version an object of the closure needs from a
 * library (DT_VERNEED) must be defined by the library the loader found under that name (DT_VERDEF).
 * A library older than the one the program was linked against stops it with
 * "version `OPENSSL_3.2.0' not found (required by ...)", whatever its DT_SONAME says.
 */
import type { BinaryDeps, DepLibrary } from '../../deps/index.js';
import { type ElfVersions, missingVersions, readElfVersions, type VersionName } from '../../elf/index.js';
import type { ImageTree } from '../types.js';
import { failure, type Tally } from './helpers.js';

/** Longest list of a library's versions quoted in a failure. */
const MAX_LISTED = 200;

/** Checks the version needs of programs and their closures, each object and each pair once. */
export class VersionCheck {
  private readonly versions = new Map<string, ElfVersions | Error>();
  private readonly checked = new Set<string>();

  constructor(private readonly tree: ImageTree) {}

  /**
   * Checks what the binary and every library of its closure need from the libraries found for them.
   * A library that was not found or cannot be loaded is left to the other checks; a library without
   * DT_VERDEF passes (glibc only warns, "no version information available").
   */
  check(t: Tally, binary: BinaryDeps, severity: 'failure' | 'warning'): void {
    const objects = [binary.realPath, ...binary.libraries.filter(loadable).map((lib) => lib.realPath)];
    for (const path of objects) {
      if (path === null) continue;
      const own = this.read(t, path, severity);
      if (own === null) continue;
      for (const need of own.needs) {
        const provider = binary.libraries.find((lib) => lib.names.includes(need.file));
        if (provider === undefined || !loadable(provider) || provider.realPath === null) continue;
        const key = `${path}\0${need.file}\0${provider.realPath}`;
        if (this.checked.has(key)) continue;
        this.checked.add(key);
        const theirs = this.read(t, provider.realPath, severity);
        if (theirs === null) continue;
        const missing = missingVersions(need, theirs.defs);
        const where = provider.path ?? provider.realPath;
        t.expect(
          missing.length === 0,
          () =>
            failure(
              'deps.version',
              path,
              `${need.file} version ${missing.join(', ')}`,
              `a definition in ${where} (DT_VERDEF)`,
              `only ${listed(theirs.defs ?? [])}`,
            ),
          severity,
        );
      }
    }
  }

  /** The versions of a file of the tree; null (after reporting once) when its records do not parse. */
  private read(t: Tally, path: string, severity: 'failure' | 'warning'): ElfVersions | null {
    let hit = this.versions.get(path);
    if (hit === undefined) {
      const node = this.tree.nodes.get(path);
      if (node?.type !== 'file') return null;
      try {
        hit = readElfVersions(node.data, path);
      } catch (err) {
        const error = err as Error;
        hit = error;
        // The loader refuses records it cannot read as it refuses a missing version.
        t.expect(
          false,
          () =>
            failure('deps.version', path, 'version records', 'readable DT_VERNEED/DT_VERDEF', error.message),
          severity,
        );
      }
      this.versions.set(path, hit);
    }
    return hit instanceof Error ? null : hit;
  }
}

function loadable(lib: DepLibrary): boolean {
  return lib.path !== null && lib.realPath !== null && lib.error === undefined && lib.elf !== undefined;
}

function listed(defs: readonly VersionName[]): string {
  const list = defs.map((d) => d.name).join(', ') || 'none';
  return list.length > MAX_LISTED ? `${list.slice(0, MAX_LISTED)}...` : list;
}
