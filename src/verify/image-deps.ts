// From the files, not the deps barrel: the verifier does not load rock-deps' copy and check commands.
import type { FsView } from '../deps/fs-view.js';
import { DepsResolver, resolveDeps } from '../deps/resolve-deps.js';
import type { BinaryDeps, DepsResult } from '../deps/types.js';
import { checkVersions, VersionChecker, withVersionProblems } from '../deps/version-check.js';
import { hasElfMagic } from '../elf/index.js';
import { treeFs } from './tree-fs.js';
import type { ImageTree } from './types.js';

/**
 * The dynamic-loader view of an image: every ELF file in the tree resolved the way the image's own
 * loader would resolve it at boot (its ld.so.cache when it has one, else the loader's built-in
 * trusted directories), inside the image only, with the symbol versions each closure needs checked
 * (`versionProblems`). Nothing on the build host is consulted.
 */
export function imageDeps(tree: ImageTree): DepsResult {
  const { fs, elves } = imageFs(tree);
  return checkVersions(resolveDeps(elves, fs), fs);
}

/**
 * {@link imageDeps} one ELF file at a time: the image's ELF files in path order, and what
 * `imageDeps` says of any one of them (the run's caches shared), so a check can drop each closure
 * once it has read it.
 */
export function imageResolver(tree: ImageTree): { elves: string[]; resolve: (path: string) => BinaryDeps } {
  const { fs, elves } = imageFs(tree);
  const resolver = new DepsResolver(fs);
  const versions = new VersionChecker(fs);
  return { elves, resolve: (path) => withVersionProblems(resolver.resolve(path), versions) };
}

/** The image's tree as the loader's file view (read in place, no copy), and its ELF files in path order. */
export function imageFs(tree: ImageTree): { fs: FsView; elves: string[] } {
  const elves: string[] = [];
  for (const node of tree.nodes.values()) {
    if (node.type === 'file' && hasElfMagic(node.data)) elves.push(node.path);
  }
  return { fs: treeFs(tree), elves: elves.sort() };
}
