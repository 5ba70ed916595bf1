import fs from 'node:fs';
import type { CpioRecord } from '../../cpio/index.js';
import { entryError } from './errors.js';

/**
 * Path walking below the destination. Every call re-reads the filesystem with lstat: nothing is cached
 * across entries, because each node-tar escape came from trusting an earlier look (its final fix for
 * CVE-2021-32803/37701 was deleting its directory cache).
 */

/** `root/parts[0]/.../parts[count-1]`. `root` is a realpath; parts are normalised components. */
export function joinParts(root: string, parts: readonly string[], count = parts.length): string {
  return count === 0 ? root : `${root}/${parts.slice(0, count).join('/')}`;
}

/** lstat that reports a missing path as `null` instead of throwing. */
export function lstatOrNull(target: string): fs.Stats | null {
  try {
    return fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** How the parents of a path look now. */
export type ParentState =
  | { ok: true }
  | { ok: false; index: number; found: 'missing' | 'symlink' | 'non-directory' };

/** Checks, without creating anything, that every parent of `parts` is a real directory (not a symlink). */
export function inspectParents(root: string, parts: readonly string[]): ParentState {
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
 * `onCreated`; the kernel creates none, so the entry would be lost at boot).
 *
 * Refuses: a parent that is a symlink, even one pointing inside (`PATH_ESCAPE`, like node-tar's
 * TAR_SYMLINK_ERROR: extraction never writes through a link); a parent that is not a directory
 * (`EXTRACT_CONFLICT`).
 */
export function ensureParents(
  root: string,
  parts: readonly string[],
  record: CpioRecord,
  onCreated: (relative: string) => void,
): void {
  for (let count = 1; count < parts.length; count++) {
    const dir = joinParts(root, parts, count);
    let stats = lstatOrNull(dir);
    if (stats === null) {
      fs.mkdirSync(dir, { mode: 0o755 });
      onCreated(parts.slice(0, count).join('/'));
      stats = fs.lstatSync(dir);
    }
    const relative = parts.slice(0, count).join('/');
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
  }
}

/**
 * Clears the leaf `full` for a new entry, last entry wins as in the kernel's `clean_path()`: a
 * non-directory is unlinked (never opened or followed: it may be a planted symlink or a hard link to
 * a file outside); a directory is kept if `keepDirectory`, else removed if empty.
 *
 * Returns `true` if an existing directory was kept. Refuses: replacing a non-empty directory
 * (`EXTRACT_CONFLICT`).
 */
export function clearLeaf(
  full: string,
  relative: string,
  record: CpioRecord,
  keepDirectory: boolean,
): boolean {
  const stats = lstatOrNull(full);
  if (stats === null) return false;
  if (!stats.isDirectory()) {
    fs.unlinkSync(full);
    return false;
  }
  if (keepDirectory) return true;
  try {
    fs.rmdirSync(full);
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
    const stats = fs.lstatSync(full, { bigint: true });
    return { key: inodeKey(stats), stats };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
