/**
 * Symbol versions: every version an object of a program's closure needs from a library (DT_VERNEED)
 * is defined by the library the loader found under that name (DT_VERDEF). The rule itself is
 * rock-deps' (`checkVersions`, applied by `imageDeps`); this reports what it found as failures, each
 * pair of object and library once.
 */
import type { BinaryDeps } from '../../deps/index.js';
import { failure, type Tally } from './helpers.js';

/** Longest list of a library's versions quoted in a failure. */
const MAX_LISTED = 200;

/** Reports the version problems of programs and their closures, each object and each pair once. */
export class VersionCheck {
  private readonly reported = new Set<string>();

  /**
   * Reports the `versionProblems` of `binary` (a result of `imageDeps`): a needed version its library
   * lacks, or version records that cannot be read (the loader refuses both before main).
   */
  check(t: Tally, binary: BinaryDeps, severity: 'failure' | 'warning'): void {
    const problems = binary.versionProblems ?? [];
    // One check per closure when it passes; one per (new) problem when it does not.
    if (problems.length === 0) t.expect(true, () => failure('deps.version', binary.path, '', '', ''));
    for (const p of problems) {
      const key = p.kind === 'missing' ? `${p.object}\0${p.file}\0${p.library}` : `${p.object}\0`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      t.expect(
        false,
        () =>
          p.kind === 'missing'
            ? failure(
                'deps.version',
                p.object,
                `${p.file} version ${p.missing.join(', ')}`,
                `a definition in ${p.library} (DT_VERDEF)`,
                `only ${listed(p.defined)}`,
              )
            : failure(
                'deps.version',
                p.object,
                'version records',
                'readable DT_VERNEED/DT_VERDEF',
                p.message,
              ),
        severity,
      );
    }
  }
}

function listed(defs: readonly string[]): string {
  const list = defs.join(', ') || 'none';
  return list.length > MAX_LISTED ? `${list.slice(0, MAX_LISTED)}...` : list;
}
