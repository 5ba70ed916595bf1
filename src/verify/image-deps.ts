import {
  checkVersions,
  type DepsResult,
  type FsView,
  type MemoryEntry,
  memoryFs,
  resolveDeps,
} from '../deps/index.js';
import { hasElfMagic } from '../elf/index.js';
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

/** The image's tree as the loader's file view, and its ELF files in path order. */
export function imageFs(tree: ImageTree): { fs: FsView; elves: string[] } {
  const entries = new Map<string, MemoryEntry>();
  const elves: string[] = [];
  for (const node of tree.nodes.values()) {
    if (node.type === 'file') {
      entries.set(node.path, { type: 'file', source: node.content, mode: node.perm });
      if (hasElfMagic(node.data)) elves.push(node.path);
    } else if (node.type === 'symlink') {
      entries.set(node.path, { type: 'symlink', target: node.linkTarget ?? '', mode: node.perm });
    } else if (node.type === 'directory') {
      entries.set(node.path, { type: 'directory', mode: node.perm });
    } else {
      entries.set(node.path, { type: 'other', mode: node.perm });
    }
  }
  return { fs: memoryFs(entries), elves: elves.sort() };
}
