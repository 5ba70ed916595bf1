import fs from 'node:fs';
import { encodeName } from '../../util/byte-names.js';

/**
 * Directories below the destination that this run created or checked, with the inode each was.
 * An entry whose parent is known costs one lstat of that parent (same device and inode as cached?)
 * instead of one lstat per component from the root: 2,000 nested directories extract in linear
 * time, not cubic.
 *
 * The node-tar lesson (CVE-2021-32803/37701: a cached directory later replaced by a symlink) is kept
 * twice: every removal this run makes goes through {@link forget}, and a cached parent is confirmed
 * by its identity before each use, so a directory swapped behind our back (by another process) is a
 * cache miss and the caller walks every component again.
 */
export class DirCache {
  readonly #root: string;
  readonly #known = new Map<string, string>();

  constructor(root: string) {
    this.#root = root;
  }

  /**
   * True when `relative` (below the root; `''` is the root) is a directory this run knows and the
   * path still leads to that very directory (one lstat). A mismatch forgets it.
   */
  confirm(relative: string): boolean {
    if (relative === '') return true;
    const key = this.#known.get(relative);
    if (key === undefined) return false;
    if (identity(`${this.#root}/${relative}`) === key) return true;
    this.forget(relative);
    return false;
  }

  /** Records that `relative` is a real directory now, with the identity lstat gave. */
  add(relative: string, stats: fs.Stats | fs.BigIntStats): void {
    this.#known.set(relative, `${stats.dev}:${stats.ino}`);
  }

  /** Forgets `relative` and everything cached below it: it was removed or is being replaced. */
  forget(relative: string): void {
    if (!this.#known.delete(relative)) return;
    const prefix = `${relative}/`;
    for (const known of this.#known.keys()) if (known.startsWith(prefix)) this.#known.delete(known);
  }
}

/** `dev:ino` of a real directory at `full` (never followed), or undefined for anything else. */
function identity(full: string): string | undefined {
  try {
    const stats = fs.lstatSync(encodeName(full));
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
