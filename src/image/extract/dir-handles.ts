import fs from 'node:fs';
import { encodeName } from '../../util/byte-names.js';

/**
 * Directory descriptors kept open at once, besides the root's: enough for the deepest chain a name can
 * have (PATH_MAX allows 2,048 components), so going back up a deep tree (modes are applied deepest
 * first) reopens nothing; at most half the process's descriptor limit (Node raises the soft limit to
 * the hard one at start-up).
 */
function defaultOpenLimit(): number {
  const DEEPEST = 2100;
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+)/m);
    if (line?.[1] !== undefined) return Math.max(16, Math.min(DEEPEST, Math.floor(Number(line[1]) / 2)));
  } catch {
    // No procfs: the fallback below.
  }
  return 512;
}

const OPEN_DIRECTORY = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** A directory below the destination that this run created or checked: a real directory, never a symlink. */
export interface DirNode {
  /** Path below the root, components joined by `/` (`''` for the root). */
  readonly relative: string;
  /** Its last component (`''` for the root). */
  readonly name: string;
  readonly parent: DirNode | null;
  readonly children: Map<string, DirNode>;
  /** `dev:ino` it had when it was created or checked. */
  key: string;
  /** An open O_DIRECTORY|O_NOFOLLOW descriptor on it, or -1. */
  fd: number;
  /** False once it was removed or replaced: it is in no lookup any more. */
  live: boolean;
}

/**
 * The directories of one extraction, as a tree of handles: every fs call names `/proc/self/fd/N/NAME`,
 * where N is a descriptor of the parent directory and NAME one component. The kernel resolves two
 * fixed components and the magic link, then NAME: the cost of a call no longer grows with the
 * depth (a full path re-walks every component in the kernel, and its string is rebuilt and encoded
 * for every call), so 2,000 nested directories extract in linear time.
 *
 * Safety, the node-tar lesson (CVE-2021-32803/37701: a cached directory later replaced by a symlink):
 * a node is only ever a real directory, opened with O_NOFOLLOW|O_DIRECTORY relative to its parent's
 * descriptor, so nothing below the root is followed; every removal this run makes goes through
 * {@link forget}, which drops the node and all below it (and closes their descriptors), so a later
 * entry at that name is looked at afresh. A known parent is confirmed by one lstat of its name
 * before each use, and a descriptor reopened after eviction must show the same inode: a mismatch
 * forgets the node and the caller walks again.
 *
 * Without a usable `/proc/self/fd` the same tree hands out full paths (the old cost, same checks).
 */
export class DirHandles {
  readonly root: DirNode;
  readonly #rootPath: string;
  readonly #byRelative = new Map<string, DirNode>();
  /** Open descriptors other than the root's, least recently used first. */
  readonly #open = new Set<DirNode>();
  readonly #openLimit: number;
  readonly #viaProc: boolean;

  constructor(rootPath: string, openLimit = defaultOpenLimit()) {
    this.#rootPath = rootPath;
    this.#openLimit = Math.max(1, openLimit);
    const fd = fs.openSync(encodeName(rootPath), OPEN_DIRECTORY);
    const stats = fs.fstatSync(fd, { bigint: true });
    this.root = {
      relative: '',
      name: '',
      parent: null,
      children: new Map(),
      key: keyOf(stats),
      fd,
      live: true,
    };
    this.#byRelative.set('', this.root);
    this.#viaProc = procWorks(fd, this.root.key);
  }

  /** Whether paths go through `/proc/self/fd` (false: full paths). */
  get viaProc(): boolean {
    return this.#viaProc;
  }

  /** The known directory at `relative`, if this run has it. */
  lookup(relative: string): DirNode | undefined {
    return this.#byRelative.get(relative);
  }

  /** The path an fs call on `name` inside `dir` must get, as exact bytes. */
  at(dir: DirNode, name: string): Buffer {
    if (!this.#viaProc) return encodeName(this.fullPath(dir, name));
    return encodeName(`/proc/self/fd/${this.fdOf(dir)}/${name}`);
  }

  /** The full path of `name` inside `dir` (for messages and tools that cannot take a descriptor). */
  fullPath(dir: DirNode, name: string): string {
    const base = dir.relative === '' ? this.#rootPath : `${this.#rootPath}/${dir.relative}`;
    return name === '' ? base : `${base}/${name}`;
  }

  /** Records `name` inside `dir` as a real directory (created or lstat-checked) with `stats`' identity. */
  add(dir: DirNode, name: string, stats: fs.Stats | fs.BigIntStats): DirNode {
    const key = `${stats.dev}:${stats.ino}`;
    const existing = dir.children.get(name);
    if (existing !== undefined) {
      if (existing.key === key) return existing;
      this.forget(existing);
    }
    const relative = dir.relative === '' ? name : `${dir.relative}/${name}`;
    const node: DirNode = { relative, name, parent: dir, children: new Map(), key, fd: -1, live: true };
    dir.children.set(name, node);
    this.#byRelative.set(relative, node);
    return node;
  }

  /** Forgets `node` and everything below it: it was removed or is being replaced. */
  forget(node: DirNode): void {
    if (node === this.root || !node.live) return;
    node.parent?.children.delete(node.name);
    const stack = [node];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      next.live = false;
      this.#byRelative.delete(next.relative);
      this.#close(next);
      stack.push(...next.children.values());
      next.children.clear();
    }
  }

  /**
   * Confirms that `node`'s name in its parent still holds the directory it was: one lstat, relative
   * to the parent's descriptor. A directory swapped for a symlink by another process between two
   * records is caught here (its descriptor would still write inside, into the moved directory, but
   * the archive's path now names something else). False: it was forgotten, look again.
   */
  confirm(node: DirNode): boolean {
    if (node === this.root) return true;
    if (!node.live) return false;
    try {
      const stats = fs.lstatSync(this.at(node.parent as DirNode, node.name));
      if (stats.isDirectory() && `${stats.dev}:${stats.ino}` === node.key) return true;
    } catch {
      // Gone: forgotten below.
    }
    this.forget(node);
    return false;
  }

  /**
   * A descriptor on `node`, opened relative to its parent's (reopening evicted ancestors on the way),
   * or throws `StaleDirectory` after forgetting a node whose name no longer holds its directory.
   * Without procfs, -1 for all but the root.
   */
  fdOf(node: DirNode): number {
    // Full paths (no procfs): no descriptor below the root is ever opened.
    if (!this.#viaProc) return node === this.root ? node.fd : -1;
    // Evict before handing out, never while opening a chain: a descriptor handed out for the path of
    // this very call (link(2) names two) stays open until the next call.
    while (this.#open.size > this.#openLimit) this.#close(this.#open.values().next().value as DirNode);
    if (node.fd >= 0) {
      if (node !== this.root) {
        this.#open.delete(node);
        this.#open.add(node);
      }
      return node.fd;
    }
    const chain: DirNode[] = [];
    let top: DirNode = node;
    for (; top.fd < 0; top = top.parent as DirNode) chain.push(top);
    for (let index = chain.length - 1; index >= 0; index--) this.#reopen(chain[index] as DirNode);
    return node.fd;
  }

  /** Closes every descriptor (the run is over). */
  close(): void {
    for (const node of this.#open) this.#close(node);
    if (this.root.fd >= 0) fs.closeSync(this.root.fd);
    this.root.fd = -1;
  }

  #reopen(node: DirNode): void {
    const parent = node.parent as DirNode;
    let fd: number;
    try {
      fd = fs.openSync(encodeName(`/proc/self/fd/${parent.fd}/${node.name}`), OPEN_DIRECTORY);
    } catch {
      this.forget(node);
      throw new StaleDirectory(node.relative);
    }
    if (keyOf(fs.fstatSync(fd, { bigint: true })) !== node.key) {
      fs.closeSync(fd);
      this.forget(node);
      throw new StaleDirectory(node.relative);
    }
    node.fd = fd;
    this.#open.add(node);
  }

  #close(node: DirNode): void {
    if (node.fd < 0 || node === this.root) return;
    this.#open.delete(node);
    fs.closeSync(node.fd);
    node.fd = -1;
  }
}

/** A known directory whose name no longer holds it (replaced behind our back): it was forgotten. */
export class StaleDirectory extends Error {
  constructor(readonly relative: string) {
    super(`${relative}: the directory this run knew is gone`);
  }
}

function keyOf(stats: fs.BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** Whether `/proc/self/fd/FD` leads to the directory `fd` is open on (procfs mounted, not hidden). */
function procWorks(fd: number, key: string): boolean {
  try {
    return keyOf(fs.statSync(`/proc/self/fd/${fd}`, { bigint: true })) === key;
  } catch {
    return false;
  }
}
