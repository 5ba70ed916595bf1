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
  linkTarget: string | undefined;
  /** What the verifier kept of the content (files only). */
  sample: FileSample;
}

/** Where a record's segment lives: shared by every record of one archive (only the offset differs). */
type Place = Omit<RecordOrigin, 'offset'>;

let lastPlace: Place | undefined;

/** The place of an origin, reusing the previous one while records come from the same archive. */
function placeOf(origin: RecordOrigin): Place {
  const last = lastPlace;
  if (
    last !== undefined &&
    last.segment === origin.segment &&
    last.archive === origin.archive &&
    last.compression === origin.compression &&
    last.segmentOffset === origin.segmentOffset
  ) {
    return last;
  }
  const { segment, archive, compression, segmentOffset } = origin;
  lastPlace = { segment, archive, compression, segmentOffset };
  return lastPlace;
}

/**
 * One name in a directory: which inode, and which record last acted on this path. Kept small (an
 * image may hold 400,000 of them): the origin as a shared place plus an offset, the record's name
 * only when it is not the path without its leading `/`.
 */
export class Dirent {
  readonly path: string;
  inode: Inode;
  #place: Place;
  #offset: number;
  #raw: string | undefined;

  constructor(path: string, inode: Inode, origin: RecordOrigin, rawName: string) {
    this.path = path;
    this.inode = inode;
    this.#place = placeOf(origin);
    this.#offset = origin.offset;
    this.#raw = this.#rawToKeep(rawName);
  }

  /** The last record that acted on this path (a fresh object each time). */
  get origin(): RecordOrigin {
    const p = this.#place;
    return {
      segment: p.segment,
      archive: p.archive,
      compression: p.compression,
      offset: this.#offset,
      segmentOffset: p.segmentOffset,
    };
  }

  set origin(origin: RecordOrigin) {
    this.#place = placeOf(origin);
    this.#offset = origin.offset;
  }

  /** Whether the kernel itself made this entry (built-in initramfs, rootfs), not the image. */
  get builtin(): boolean {
    return this.#place.segment < 0;
  }

  /** The segment of the last record that acted on this path. */
  get segment(): number {
    return this.#place.segment;
  }

  /** The record's name as stored. */
  get rawName(): string {
    return this.#raw ?? this.path.slice(1);
  }

  set rawName(name: string) {
    this.#raw = this.#rawToKeep(name);
  }

  #rawToKeep(name: string): string | undefined {
    const p = this.path;
    return p.length === name.length + 1 && p.endsWith(name) ? undefined : name;
  }
}

/** Origin of what exists before any archive: the root directory itself. */
export const ROOT_ORIGIN: RecordOrigin = {
  segment: -1,
  archive: -1,
  compression: 'none',
  offset: 0,
  segmentOffset: 0,
};

/** A new inode numbered `id`, with no device numbers, link target or content yet. */
export function freshInode(id: number, type: EntryType, perm: number, uid: number, gid: number): Inode {
  return {
    id,
    type,
    perm,
    uid,
    gid,
    rdevMajor: 0,
    rdevMinor: 0,
    linkTarget: undefined,
    sample: EMPTY_SAMPLE,
  };
}

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
    this.entries.set('/', new Dirent('/', this.newInode('directory', 0o1777, 0, 0), ROOT_ORIGIN, '/'));
  }

  /** What is at a real path, for {@link walkPath}. */
  readonly lookup: Lookup = (path) => {
    const e = this.entries.get(path);
    return e ? e.inode : undefined;
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
    return freshInode(this.nextId++, type, perm, uid, gid);
  }

  /** Adds a name; the caller has checked that the parent is a directory and the name is free. */
  add(path: string, inode: Inode, origin: RecordOrigin, rawName: string): Dirent {
    const dirent = new Dirent(path, inode, origin, rawName);
    this.entries.set(path, dirent);
    const parent = parentPath(path);
    this.childCounts.set(parent, this.childCount(parent) + 1);
    return dirent;
  }

  /** Removes a name (unlink, or rmdir of an empty directory). */
  remove(path: string): void {
    if (!this.entries.delete(path)) return;
    this.parents.clear();
    const parent = parentPath(path);
    this.childCounts.set(parent, this.childCount(parent) - 1);
  }

  /**
   * The tree as {@link ImageNode}s, in path order: a view over the entries (no copy), each node
   * made when it is asked for. Add nothing after taking it.
   */
  toNodes(): ReadonlyMap<string, ImageNode> {
    return new TreeNodes(this.entries);
  }
}

const EMPTY = new Uint8Array(0);

/** One entry of a rootfs as the {@link ImageNode} the checks read (made anew at each call). */
export function imageNode(dirent: Dirent): ImageNode {
  const { inode } = dirent;
  const isFile = inode.type === 'file';
  const node: ImageNode = {
    path: dirent.path,
    type: inode.type,
    perm: inode.type === 'symlink' ? 0o777 : inode.perm,
    uid: inode.uid,
    gid: inode.gid,
    size: isFile
      ? inode.sample.size
      : inode.type === 'symlink'
        ? Buffer.byteLength(inode.linkTarget ?? '')
        : 0,
    rdevMajor: inode.rdevMajor,
    rdevMinor: inode.rdevMinor,
    data: isFile ? inode.sample.head : EMPTY,
    content: isFile ? inode.sample : EMPTY_SAMPLE,
    origin: dirent.origin,
    rawName: dirent.rawName,
    inode: inode.id,
  };
  if (inode.linkTarget !== undefined) node.linkTarget = inode.linkTarget;
  return node;
}

/**
 * A read-only Map of the unpacked tree, sorted by path, whose nodes are made on demand from the
 * rootfs's entries: the tree is held once, in its compact form, however many checks walk it.
 */
class TreeNodes implements ReadonlyMap<string, ImageNode> {
  readonly #entries: ReadonlyMap<string, Dirent>;
  #sorted: Dirent[] | undefined;

  constructor(entries: ReadonlyMap<string, Dirent>) {
    this.#entries = entries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(path: string): ImageNode | undefined {
    const dirent = this.#entries.get(path);
    return dirent === undefined ? undefined : imageNode(dirent);
  }

  has(path: string): boolean {
    return this.#entries.has(path);
  }

  /** Entries sorted by path (UTF-16 code units, as the copied Map once was), sorted once. */
  #inOrder(): Dirent[] {
    if (this.#sorted === undefined) {
      this.#sorted = [...this.#entries.values()];
      this.#sorted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return this.#sorted;
  }

  *keys(): MapIterator<string> {
    for (const dirent of this.#inOrder()) yield dirent.path;
  }

  *values(): MapIterator<ImageNode> {
    for (const dirent of this.#inOrder()) yield imageNode(dirent);
  }

  *entries(): MapIterator<[string, ImageNode]> {
    for (const dirent of this.#inOrder()) yield [dirent.path, imageNode(dirent)];
  }

  [Symbol.iterator](): MapIterator<[string, ImageNode]> {
    return this.entries();
  }

  forEach(callback: (value: ImageNode, key: string, map: ReadonlyMap<string, ImageNode>) => void): void {
    for (const [path, node] of this.entries()) callback(node, path, this);
  }
}
