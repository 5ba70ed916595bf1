import fs from 'node:fs';
import { encodeName } from '../../util/byte-names.js';
import type { ExtractRecord } from './context.js';
import type { DirCache } from './dir-cache.js';
import { entryError } from './errors.js';

/**
 * Path walking below the destination. A parent is looked at with lstat unless the run's
 * {@link DirCache} knows it is a real directory; whatever this run removes or replaces is dropped
 * from that cache first (the node-tar lesson: never trust a look that a later entry could undo).
 * Names are exact bytes: every fs call gets {@link encodeName} of the path.
 */

/** `root/parts[0]/.../parts[count-1]`. `root` is a realpath; parts are normalised components. */
export function joinParts(root: string, parts: readonly string[], count = parts.length): string {
  return count === 0 ? root : `${root}/${parts.slice(0, count).join('/')}`;
}

/** The path as the exact bytes fs calls must get. */
export const fsPath = (path: string): Buffer => encodeName(path);

/** lstat that reports a missing path as `null` instead of throwing. */
export function lstatOrNull(target: string): fs.Stats | null {
  try {
    return fs.lstatSync(fsPath(target));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** How the parents of a path look now. */
export type ParentState =
  | { ok: true }
  | { ok: false; index: number; found: 'missing' | 'symlink' | 'non-directory' };

/**
 * Checks, without creating anything, that every parent of `parts` is a real directory (not a
 * symlink); a parent the cache confirms ends the check.
 */
export function inspectParents(root: string, parts: readonly string[], dirs?: DirCache): ParentState {
  if (dirs?.confirm(parts.slice(0, -1).join('/'))) return { ok: true };
  for (let index = 0; index < parts.length - 1; index++) {
    const stats = lstatOrNull(joinParts(root, parts, index + 1));
    if (stats === null) return { ok: false, index, found: 'missing' };
    if (stats.isSymbolicLink()) return { ok: false, index, found: 'symlink' };
    if (!stats.isDirectory()) return { ok: false, index, found: 'non-directory' };
  }
  return { ok: true };
}

/**
 * Makes every parent of `parts` a real directory: a missing one is created (mode 0755, reported through
 * `onCreated`; the kernel creates none, so the entry would be lost at boot). A parent the cache
 * confirms costs one lstat; otherwise every component is looked at.
 *
 * Refuses: a parent that is a symlink, even one pointing inside (`PATH_ESCAPE`, like node-tar's
 * TAR_SYMLINK_ERROR: extraction never writes through a link); a parent that is not a directory
 * (`EXTRACT_CONFLICT`).
 */
export function ensureParents(
  root: string,
  parts: readonly string[],
  record: ExtractRecord,
  dirs: DirCache,
  onCreated: (relative: string) => void,
): void {
  // The parent confirmed by one lstat (the usual case for an archive listed parents first), or every
  // component walked again from the root.
  if (dirs.confirm(parts.slice(0, -1).join('/'))) return;
  for (let count = 1; count < parts.length; count++) {
    const relative = parts.slice(0, count).join('/');
    const dir = joinParts(root, parts, count);
    let stats = lstatOrNull(dir);
    if (stats === null) {
      fs.mkdirSync(fsPath(dir), { mode: 0o755 });
      onCreated(relative);
      stats = fs.lstatSync(fsPath(dir));
    }
    if (stats.isSymbolicLink()) {
      throw entryError('PATH_ESCAPE', record, `parent "${relative}": expected a directory, got a symlink`, {
        path: parts.join('/'),
        parent: relative,
      });
    }
    if (!stats.isDirectory()) {
      throw entryError('EXTRACT_CONFLICT', record, `parent "${relative}": expected a directory, got a file`, {
        path: parts.join('/'),
        parent: relative,
      });
    }
    dirs.add(relative, stats);
  }
}

/**
 * Clears the leaf `full` for a new entry, last entry wins as in the kernel's `clean_path()`: a
 * non-directory is unlinked (never opened or followed: it may be a planted symlink or a hard link to
 * a file outside); a directory is kept if `keepDirectory`, else removed if empty (and forgotten by
 * the cache).
 *
 * Returns `true` if an existing directory was kept. Refuses: replacing a non-empty directory
 * (`EXTRACT_CONFLICT`).
 */
export function clearLeaf(
  full: string,
  relative: string,
  record: ExtractRecord,
  keepDirectory: boolean,
  dirs: DirCache,
): boolean {
  const stats = lstatOrNull(full);
  if (stats === null) return false;
  if (!stats.isDirectory()) {
    fs.unlinkSync(fsPath(full));
    return false;
  }
  if (keepDirectory) return true;
  dirs.forget(relative);
  try {
    fs.rmdirSync(fsPath(full));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    throw entryError(
      'EXTRACT_CONFLICT',
      record,
      `expected a name free for a ${record.info.type}, got a non-empty directory`,
      { path: relative },
    );
  }
  return false;
}

/** Identity of an inode (`dev:ino`, exact as bigint: 64-bit inode numbers exceed 2^53). */
export function inodeKey(stats: fs.BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** The inode identity of `full` itself (never followed), or `null` if it is missing. */
export function lstatKey(full: string): { key: string; stats: fs.BigIntStats } | null {
  try {
    const stats = fs.lstatSync(fsPath(full), { bigint: true });
    return { key: inodeKey(stats), stats };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
