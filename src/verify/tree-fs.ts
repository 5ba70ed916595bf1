/**
 * The unpacked tree seen through the dependency resolver's {@link FsView}, without copying it: paths
 * are looked up in the tree itself (an image of 400,000 entries is held once), with the same
 * answers an in-memory view of the same entries gives (`memoryFs`).
 */
import type { FsStat, FsView } from '../deps/index.js';
import { normalizeViewPath } from '../deps/view-path.js';
import type { ImageNode, ImageTree } from './types.js';

function statOf(node: ImageNode): FsStat {
  const type =
    node.type === 'file' || node.type === 'directory' || node.type === 'symlink' ? node.type : 'other';
  const size = type === 'symlink' ? (node.linkTarget ?? '').length : type === 'file' ? node.content.size : 0;
  return { type, size, mode: node.perm, id: node.path };
}

/** An {@link FsView} over `tree.nodes` (every parent of a path is a directory in the tree). */
export function treeFs(tree: ImageTree): FsView {
  let children: Map<string, string[]> | undefined;
  const node = (p: string): ImageNode | undefined => tree.nodes.get(normalizeViewPath(p));
  return {
    lstat(p) {
      const found = node(p);
      return found === undefined ? null : statOf(found);
    },
    readlink(p) {
      const found = node(p);
      if (found?.type !== 'symlink' || found.linkTarget === undefined)
        throw Object.assign(new Error(`${p}: EINVAL`), { code: 'EINVAL' });
      return found.linkTarget;
    },
    read(p, start = 0, length) {
      const found = node(p);
      if (found?.type !== 'file') throw Object.assign(new Error(`${p}: not a file`), { code: 'EISDIR' });
      const { size } = found.content;
      const from = Math.min(start, size);
      return found.content.read(from, (length === undefined ? size : Math.min(size, start + length)) - from);
    },
    elf(p) {
      const found = node(p);
      return found?.type === 'file' ? found.content.elf : undefined;
    },
    readdir(p) {
      // Only ld.so.conf `include` globs list a directory: the index is built on the first call.
      if (children === undefined) {
        children = new Map();
        for (const path of tree.nodes.keys()) {
          if (path === '/') continue;
          const slash = path.lastIndexOf('/');
          const parent = slash === 0 ? '/' : path.slice(0, slash);
          let names = children.get(parent);
          if (names === undefined) {
            names = [];
            children.set(parent, names);
          }
          names.push(path.slice(slash + 1));
        }
      }
      return [...(children.get(normalizeViewPath(p)) ?? [])].sort();
    },
  };
}
