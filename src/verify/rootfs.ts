/**
 * The mutable rootfs the unpacker builds: real paths to entries, entries to shared inodes (so hard
 * links share mode, owner and content, as on a real filesystem). No I/O.
 */
import type { EntryType, RecordOrigin } from '../cpio/index.js';
import { EMPTY_SAMPLE, type FileSample } from './file-sample.js';
import { type Lookup, type ParentCache, parentPath } from './path-walk.js';
import type { ImageNode } from './types.js';

/** One file object; several paths may point to it (hard links). */
export interface Inode {
  id: number;
  type: EntryType;
  perm: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  linkTarget?: string;
  /** What the verifier kept of the content (files only). */
  sample: FileSample;
}

/** One name in a directory: which inode, and which record last acted on this path. */
export interface Dirent {
  inode: Inode;
  origin: RecordOrigin;
  rawName: string;
}

/** Origin of what exists before any archive: the root directory itself. */
export const ROOT_ORIGIN: RecordOrigin = {
  segment: -1,
  archive: -1,
  compression: 'none',
  offset: 0,
  segmentOffset: 0,
};

const EMPTY = new Uint8Array(0);

/** A directory tree keyed by real absolute paths, with `/` present from the start. */
export class Rootfs {
  private readonly entries = new Map<string, Dirent>();
  private readonly childCounts = new Map<string, number>();
  private nextId = 1;
  /** Resolved parent names for {@link locateName}; cleared on every removal. */
  readonly parents: ParentCache = new Map();

  constructor() {
    // rootfs (tmpfs) is mounted before any unpacking; its root is 01777 (measured: stat -c %a / in a
    // Debian 6.1 guest printed 1777).
    this.entries.set('/', {
      inode: this.newInode('directory', 0o1777, 0, 0),
      origin: ROOT_ORIGIN,
      rawName: '/',
    });
  }

  /** What is at a real path, for {@link walkPath}. */
  readonly lookup: Lookup = (path) => {
    const e = this.entries.get(path);
    return e ? { type: e.inode.type, linkTarget: e.inode.linkTarget } : undefined;
  };

  get(path: string): Dirent | undefined {
    return this.entries.get(path);
  }

  /** Number of names directly inside a directory (rmdir refuses a non-empty one). */
  childCount(path: string): number {
    return this.childCounts.get(path) ?? 0;
  }

  /** Makes a fresh inode; content starts empty. */
  newInode(type: EntryType, perm: number, uid: number, gid: number): Inode {
    return { id: this.nextId++, type, perm, uid, gid, rdevMajor: 0, rdevMinor: 0, sample: EMPTY_SAMPLE };
  }

  /** Adds a name; the caller has checked that the parent is a directory and the name is free. */
  add(path: string, dirent: Dirent): void {
    this.entries.set(path, dirent);
    const parent = parentPath(path);
    this.childCounts.set(parent, this.childCount(parent) + 1);
  }

  /** Removes a name (unlink, or rmdir of an empty directory). */
  remove(path: string): void {
    if (!this.entries.delete(path)) return;
    this.parents.clear();
    const parent = parentPath(path);
    this.childCounts.set(parent, this.childCount(parent) - 1);
  }

  /** The tree as {@link ImageNode}s, sorted by path. */
  toNodes(): Map<string, ImageNode> {
    const nodes = new Map<string, ImageNode>();
    for (const path of [...this.entries.keys()].sort()) {
      nodes.set(path, imageNode(path, this.entries.get(path) as Dirent));
    }
    return nodes;
  }
}

/** One entry of a rootfs as the {@link ImageNode} the checks read. */
export function imageNode(path: string, { inode, origin, rawName }: Dirent): ImageNode {
  const size =
    inode.type === 'file'
      ? inode.sample.size
      : inode.type === 'symlink'
        ? Buffer.byteLength(inode.linkTarget ?? '')
        : 0;
  const node: ImageNode = {
    path,
    type: inode.type,
    perm: inode.type === 'symlink' ? 0o777 : inode.perm,
    uid: inode.uid,
    gid: inode.gid,
    size,
    rdevMajor: inode.rdevMajor,
    rdevMinor: inode.rdevMinor,
    data: inode.type === 'file' ? inode.sample.head : EMPTY,
    content: inode.type === 'file' ? inode.sample : EMPTY_SAMPLE,
    origin,
    rawName,
    inode: inode.id,
  };
  if (inode.linkTarget !== undefined) node.linkTarget = inode.linkTarget;
  return node;
}
