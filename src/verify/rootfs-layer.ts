/**
 * A copy-on-write layer over a tree already unpacked (a verified base image's), for the unpacker to
 * apply one more segment to without copying the base: a path the segment touches is copied into
 * the layer on first access (its inode too, once per inode, so hard links still share it), a
 * removed one is marked, everything else is read through from the base. The merged tree (the
 * base's node objects shared, not copied) and the set of paths that may differ from the base come
 * out at the end.
 */
import type { RecordOrigin } from '../cpio/index.js';
import { type Lookup, type ParentCache, parentPath } from './path-walk.js';
import { Dirent, freshInode, type Inode, imageNode } from './rootfs.js';
import type { ImageNode } from './types.js';
import type { UnpackTarget } from './unpack.js';

/** What a layer needs of its base, computed once per base tree ({@link indexTree}). */
export interface TreeIndex {
  nodes: ReadonlyMap<string, ImageNode>;
  childCounts: ReadonlyMap<string, number>;
  /** Paths by inode, for inodes with several names (hard links). */
  links: ReadonlyMap<number, readonly string[]>;
  /** An inode number above every one of the base. */
  nextId: number;
}

/** Indexes an unpacked tree for {@link RootfsLayer}s over it. */
export function indexTree(nodes: ReadonlyMap<string, ImageNode>): TreeIndex {
  const childCounts = new Map<string, number>();
  // The first name of each inode; a list only for those with several (most have one).
  const first = new Map<number, string>();
  const links = new Map<number, string[]>();
  let nextId = 1;
  for (const node of nodes.values()) {
    if (node.path !== '/') {
      const parent = parentPath(node.path);
      childCounts.set(parent, (childCounts.get(parent) ?? 0) + 1);
    }
    const earlier = first.get(node.inode);
    if (earlier === undefined) first.set(node.inode, node.path);
    else {
      const names = links.get(node.inode);
      if (names) names.push(node.path);
      else links.set(node.inode, [earlier, node.path]);
    }
    nextId = Math.max(nextId, node.inode + 1);
  }
  return { nodes, childCounts, links, nextId };
}

/** The merged tree of a layer, and the paths whose node may differ from the base's. */
export interface LayerResult {
  nodes: ReadonlyMap<string, ImageNode>;
  changed: Set<string>;
}

/** A rootfs for the unpacker: the base read through, changes kept aside (see the file comment). */
export class RootfsLayer implements UnpackTarget {
  readonly parents: ParentCache = new Map();
  /** Paths copied or written into the layer; null marks a removed one. */
  private readonly top = new Map<string, Dirent | null>();
  /** Copies of base inodes, by number. */
  private readonly inodes = new Map<number, Inode>();
  private readonly counts = new Map<string, number>();
  private nextId: number;

  constructor(private readonly base: TreeIndex) {
    this.nextId = base.nextId;
  }

  readonly lookup: Lookup = (path) => {
    const mine = this.top.get(path);
    if (mine !== undefined) return mine === null ? undefined : mine.inode;
    return this.base.nodes.get(path);
  };

  get(path: string): Dirent | undefined {
    const mine = this.top.get(path);
    if (mine !== undefined) return mine ?? undefined;
    const node = this.base.nodes.get(path);
    if (node === undefined) return undefined;
    // The unpacker changes what it gets: a copy, with the inode shared by the copies of its names.
    const dirent = new Dirent(path, this.inodeOf(node), node.origin, node.rawName);
    this.top.set(path, dirent);
    return dirent;
  }

  childCount(path: string): number {
    return this.counts.get(path) ?? this.base.childCounts.get(path) ?? 0;
  }

  newInode(type: Inode['type'], perm: number, uid: number, gid: number): Inode {
    return freshInode(this.nextId++, type, perm, uid, gid);
  }

  add(path: string, inode: Inode, origin: RecordOrigin, rawName: string): Dirent {
    const dirent = new Dirent(path, inode, origin, rawName);
    this.top.set(path, dirent);
    const parent = parentPath(path);
    this.counts.set(parent, this.childCount(parent) + 1);
    return dirent;
  }

  remove(path: string): void {
    if (this.lookup(path) === undefined) return;
    this.top.set(path, null);
    this.parents.clear();
    const parent = parentPath(path);
    this.counts.set(parent, this.childCount(parent) - 1);
  }

  /**
   * The tree the base and the layer make together, in path order as {@link Rootfs.toNodes} gives
   * it, and every path that may differ from the base: those the unpacker touched and the other
   * names of an inode it touched. A Map of its own (the base's nodes shared, not copied): the
   * checks that list the tree walk a native Map, not a view over the base.
   */
  merged(): LayerResult {
    const changed = new Set(this.top.keys());
    for (const id of this.inodes.keys()) for (const path of this.base.links.get(id) ?? []) changed.add(path);
    const fresh = new Map<string, ImageNode>();
    for (const path of changed) {
      const dirent = this.top.has(path) ? this.top.get(path) : this.get(path);
      if (dirent) fresh.set(path, imageNode(dirent));
    }
    const added = [...fresh.keys()].filter((p) => !this.base.nodes.has(p)).sort(byPath);
    const nodes = new Map<string, ImageNode>();
    let next = 0;
    for (const [path, node] of this.base.nodes) {
      for (; next < added.length && (added[next] as string) < path; next++) {
        const p = added[next] as string;
        nodes.set(p, fresh.get(p) as ImageNode);
      }
      const mine = changed.has(path) ? fresh.get(path) : node;
      if (mine) nodes.set(path, mine);
    }
    for (; next < added.length; next++) {
      const p = added[next] as string;
      nodes.set(p, fresh.get(p) as ImageNode);
    }
    return { nodes, changed };
  }

  private inodeOf(node: ImageNode): Inode {
    const known = this.inodes.get(node.inode);
    if (known) return known;
    const inode: Inode = {
      id: node.inode,
      type: node.type,
      perm: node.perm,
      uid: node.uid,
      gid: node.gid,
      rdevMajor: node.rdevMajor,
      rdevMinor: node.rdevMinor,
      linkTarget: node.linkTarget,
      sample: node.content,
    };
    this.inodes.set(node.inode, inode);
    return inode;
  }
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
