import type { BinaryDeps, DepLibrary, VersionProblem } from './types.js';

/** Whether named libraries are in a binary's closure. */
export interface CheckResult {
  binary: string;
  /** Names found, with the path each matched. */
  present: { name: string; path: string }[];
  /** Names not in the closure. */
  absent: string[];
  /** Libraries the binary needs that do not resolve (it would not start, whatever was asked). */
  unresolved: DepLibrary[];
  /** Symbol versions the loader would refuse (it would not start either). */
  versionProblems: VersionProblem[];
  ok: boolean;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Checks that every name is in the closure of `b` (a script counts through its interpreter). A name
 * matches a library found by any name it answered to (DT_NEEDED string, DT_SONAME), by its path, real
 * path or any path of its symlink chain, or by the file name of one of those. `ok` needs every name
 * present, nothing unresolved and no symbol-version problem (when the result went through
 * `checkVersions`, as `rock-deps check` does).
 */
export function checkDeps(b: BinaryDeps, names: readonly string[]): CheckResult {
  let node = b;
  while (node.script) node = node.script.target;
  const found = node.libraries.filter((l) => l.path !== null && l.error === undefined);
  const present: CheckResult['present'] = [];
  const absent: string[] = [];
  for (const name of names) {
    const hit = found.find((l) => {
      const paths = [l.path as string, ...(l.realPath ? [l.realPath] : []), ...l.chain];
      return l.names.includes(name) || paths.includes(name) || paths.some((p) => basename(p) === name);
    });
    if (hit) present.push({ name, path: hit.path as string });
    else absent.push(name);
  }
  const unresolved = node.libraries.filter((l) => l.path === null || l.error !== undefined);
  return {
    binary: b.path,
    present,
    absent,
    unresolved,
    versionProblems: node.versionProblems ?? [],
    ok: absent.length === 0 && unresolved.length === 0 && node.ok,
  };
}
