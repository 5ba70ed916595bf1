/**
 * The ELF check of a merged tree from its base's: the loader's resolution is a function of what it
 * asked the file view (each path it looked at, read or listed), so a base resolution traced once
 * still holds for a merged tree in which no such path changed. Then only the ELF files the segment
 * adds are resolved, on the merged tree; when a changed path was looked at (a library, a loader,
 * ld.so.cache or ld.so.conf, a directory listed, any ELF of the base), the whole check runs again.
 */
import { checkVersions, type DepsResult, type FsView, resolveDeps } from '../deps/index.js';
import { normalizeViewPath } from '../deps/view-path.js';
import { hasElfMagic } from '../elf/index.js';
import { elfDepsFindings } from './checks/elf-deps.js';
import { imageDeps, imageFs } from './image-deps.js';
import { parentPath } from './path-walk.js';
import type { CheckResult, ImageNode, ImageTree } from './types.js';

/** A base tree's ELF check, and what its resolution looked at. */
export interface TracedDeps {
  deps: DepsResult;
  result: CheckResult;
  /** Every path the resolution asked about (lstat, readlink, read), normalised. */
  visited: ReadonlySet<string>;
  /** Every directory it listed. */
  listed: ReadonlySet<string>;
}

function traced(fs: FsView, visited: Set<string>, listed: Set<string>): FsView {
  const { readdir } = fs;
  const seen = (p: string): string => {
    visited.add(normalizeViewPath(p));
    return p;
  };
  return {
    lstat: (p) => fs.lstat(seen(p)),
    readlink: (p) => fs.readlink(seen(p)),
    read: (p, start, length) => fs.read(seen(p), start, length),
    elf: (p) => fs.elf?.(seen(p)),
    ...(readdir
      ? {
          readdir: (p: string) => {
            listed.add(normalizeViewPath(p));
            return readdir.call(fs, p);
          },
        }
      : {}),
  };
}

/** Runs the ELF check on a base tree, recording what the loader's resolution looked at. */
export function traceElfDeps(tree: ImageTree): TracedDeps {
  const visited = new Set<string>();
  const listed = new Set<string>();
  const { fs: plain, elves } = imageFs(tree);
  const fs = traced(plain, visited, listed);
  const deps = checkVersions(resolveDeps(elves, fs), fs);
  return { deps, result: elfDepsFindings(tree, deps), visited, listed };
}

/** How {@link elfDepsAfter} got its result: the base's as is, with added files resolved, or anew. */
export type ElfReuse = 'base' | 'added' | 'full';

const isElfFile = (node: ImageNode | undefined): boolean => node?.type === 'file' && hasElfMagic(node.data);

/**
 * The ELF check of `merged` (the base's tree with the paths in `changed` possibly different), equal
 * to `checkElfDeps(merged)`: the base's result when the segment changes nothing the loader looked
 * at and adds no ELF file; the base's resolutions plus those of the added ELF files; or, when a
 * changed path was looked at, the whole check again.
 */
export function elfDepsAfter(
  base: TracedDeps,
  merged: ImageTree,
  changed: ReadonlySet<string>,
): { result: CheckResult; how: ElfReuse } {
  const added: string[] = [];
  for (const path of changed) {
    if (base.visited.has(path) || base.listed.has(parentPath(path))) {
      return { result: elfDepsFindings(merged, imageDeps(merged)), how: 'full' };
    }
    // An ELF file of the base was probed (visited): one here is new.
    if (isElfFile(merged.nodes.get(path))) added.push(path);
  }
  if (added.length === 0) return { result: base.result, how: 'base' };
  const { fs } = imageFs(merged);
  const more = checkVersions(resolveDeps(added.sort(), fs), fs);
  const binaries = [...base.deps.binaries, ...more.binaries].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const deps: DepsResult = { ...base.deps, binaries, ok: binaries.every((b) => b.ok) };
  return { result: elfDepsFindings(merged, deps), how: 'added' };
}
