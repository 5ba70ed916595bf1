/**
 * A copy-on-write layer over a tree already unpacked (a verified base image's), for the unpacker to
 * apply one more segment to without copying the base: a path the segment touches is copied into
 * the layer on first access (its inode too, once per inode, so hard links still share it), a
 * removed one is marked, everything else is read through from the base. The merged tree and the
 * set of paths that may differ from the base come out at the end.
 */
import { EMPTY_SAMPLE } from './file-sample.js';
import { type Lookup, type ParentCache, parentPath } from './path-walk.js';
import { type Dirent, type Inode, imageNode } from './rootfs.js';
import type { ImageNode } from './types.js';
import type { UnpackTarget } from './unpack.js';

/** What a layer needs of its base, computed once per base tree ({@link indexTree}). */
export interface TreeIndex {
  nodes: ReadonlyMap<string, ImageNode>;
  /** The base's paths in the tree's order (sorted). */
  paths: readonly string[];
  childCounts: ReadonlyMap<string, number>;
  /** Paths by inode, for inodes with several names (hard links). */
  links: ReadonlyMap<number, readonly string[]>;
  /** An inode number above every one of the base. */
  nextId: number;
}

/** Indexes an unpacked tree for {@link RootfsLayer}s over it. */
export function indexTree(nodes: ReadonlyMap<string, ImageNode>): TreeIndex {
  const childCounts = new Map<string, number>();
  const byInode = new Map<number, string[]>();
  let nextId = 1;
  for (const node of nodes.values()) {
    if (node.path !== '/') {
      const parent = parentPath(node.path);
      childCounts.set(parent, (childCounts.get(parent) ?? 0) + 1);
    }
    const names = byInode.get(node.inode);
    if (names) names.push(node.path);
    else byInode.set(node.inode, [node.path]);
    nextId = Math.max(nextId, node.inode + 1);
  }
  const links = new Map([...byInode].filter(([, names]) => names.length > 1));
  return { nodes, paths: [...nodes.keys()], childCounts, links, nextId };
}

/** The merged tree of a layer, and the paths whose node may differ from the base's. */
export interface LayerResult {
  nodes: Map<string, ImageNode>;
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
    const dirent: Dirent = { inode: this.inodeOf(node), origin: node.origin, rawName: node.rawName };
    this.top.set(path, dirent);
    return dirent;
  }

  childCount(path: string): number {
    return this.counts.get(path) ?? this.base.childCounts.get(path) ?? 0;
  }

  newInode(type: Inode['type'], perm: number, uid: number, gid: number): Inode {
    return { id: this.nextId++, type, perm, uid, gid, rdevMajor: 0, rdevMinor: 0, sample: EMPTY_SAMPLE };
  }

  add(path: string, dirent: Dirent): void {
    this.top.set(path, dirent);
    const parent = parentPath(path);
    this.counts.set(parent, this.childCount(parent) + 1);
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
   * names of an inode it touched.
   */
  merged(): LayerResult {
    const changed = new Set(this.top.keys());
    for (const id of this.inodes.keys()) for (const path of this.base.links.get(id) ?? []) changed.add(path);
    const fresh = new Map<string, ImageNode>();
    for (const path of changed) {
      const dirent = this.top.has(path) ? this.top.get(path) : this.get(path);
      if (dirent) fresh.set(path, imageNode(path, dirent));
    }
    const added = [...fresh.keys()].filter((p) => !this.base.nodes.has(p)).sort();
    const nodes = new Map<string, ImageNode>();
    let next = 0;
    for (const path of this.base.paths) {
      for (; next < added.length && (added[next] as string) < path; next++) {
        const p = added[next] as string;
        nodes.set(p, fresh.get(p) as ImageNode);
      }
      if (!changed.has(path)) nodes.set(path, this.base.nodes.get(path) as ImageNode);
      else {
        const node = fresh.get(path);
        if (node) nodes.set(path, node);
      }
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
      sample: node.content,
    };
    if (node.linkTarget !== undefined) inode.linkTarget = node.linkTarget;
    this.inodes.set(node.inode, inode);
    return inode;
  }
}
