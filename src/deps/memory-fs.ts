import type { FsStat, FsView } from './fs-view.js';
import { normalizeViewPath } from './view-path.js';

/** One entry of an in-memory tree (e.g. an image's records): a file with data, a directory or a symlink. */
export interface MemoryEntry {
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Symlink target, as stored. */
  target?: string;
  data?: Uint8Array;
  /**
   * Random access to a file's bytes instead of `data` (an image verifier keeps only parts of large
   * files); `size` is the file's real size.
   */
  source?: { readonly size: number; read(offset: number, length: number): Uint8Array };
  mode?: number;
}

/**
 * A {@link FsView} over an in-memory tree keyed by absolute path (`/usr/lib/libc.so.6` or `usr/lib/...`).
 * Directories that only appear as parents of other entries exist implicitly, as in a cpio archive read by
 * a tool. Paths are taken literally: symlinks are the resolver's business, as the view contract says.
 */
export function memoryFs(
  entries: ReadonlyMap<string, MemoryEntry> | Readonly<Record<string, MemoryEntry>>,
): FsView {
  const map = new Map<string, MemoryEntry>();
  const children = new Map<string, Set<string>>();
  const pairs = entries instanceof Map ? [...entries] : Object.entries(entries);
  const addChild = (p: string): void => {
    let at = p;
    while (at !== '/') {
      const slash = at.lastIndexOf('/');
      const parent = slash === 0 ? '/' : at.slice(0, slash);
      let set = children.get(parent);
      if (set === undefined) {
        set = new Set();
        children.set(parent, set);
      }
      const name = at.slice(slash + 1);
      // Already known: its ancestors are too (a deep tree costs one step per entry, not its depth).
      if (set.has(name)) break;
      set.add(name);
      at = parent;
    }
  };
  for (const [key, entry] of pairs) {
    const p = normalizeViewPath(key);
    map.set(p, entry);
    addChild(p);
  }
  const get = (p: string): MemoryEntry | undefined => map.get(normalizeViewPath(p));
  return {
    lstat(p): FsStat | null {
      const n = normalizeViewPath(p);
      const e = map.get(n);
      if (e === undefined) return n === '/' || children.has(n) ? { type: 'directory', size: 0 } : null;
      const size = e.type === 'symlink' ? (e.target ?? '').length : (e.source?.size ?? e.data?.length ?? 0);
      return { type: e.type, size, ...(e.mode === undefined ? {} : { mode: e.mode }), id: n };
    },
    readlink(p) {
      const e = get(p);
      if (e?.type !== 'symlink' || e.target === undefined)
        throw Object.assign(new Error(`${p}: EINVAL`), { code: 'EINVAL' });
      return e.target;
    },
    read(p, start = 0, length) {
      const e = get(p);
      if (e?.type !== 'file') throw Object.assign(new Error(`${p}: not a file`), { code: 'EISDIR' });
      if (e.source !== undefined) {
        const size = e.source.size;
        const from = Math.min(start, size);
        return e.source.read(from, (length === undefined ? size : Math.min(size, start + length)) - from);
      }
      const data = e.data ?? new Uint8Array(0);
      return data.subarray(
        Math.min(start, data.length),
        length === undefined ? data.length : Math.min(data.length, start + length),
      );
    },
    readdir: (p) => [...(children.get(normalizeViewPath(p)) ?? [])].sort(),
  };
}
