import fs from 'node:fs';
import type { ExtractRecord } from './context.js';
import { type DirHandles, type DirNode, StaleDirectory } from './dir-handles.js';
import { entryError } from './errors.js';

/**
 * Path walking below the destination, one component at a time through {@link DirHandles}: a parent
 * this run knows (created or checked, not removed since) costs no syscall; an unknown one is looked at
 * with lstat relative to its own parent's descriptor. Whatever this run removes or replaces is
 * forgotten first (the node-tar lesson: never trust a look that a later entry could undo). Names are
 * exact bytes: every path handed to fs comes from {@link DirHandles.at}.
 */

/** `parts[0]/.../parts[count-1]`, the path below the root. */
export function relativeOf(parts: readonly string[], count = parts.length): string {
  return parts.slice(0, count).join('/');
}

/** lstat that reports a missing path as `null` instead of throwing. */
export function lstatOrNull(target: Buffer): fs.Stats | null {
  try {
    return fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** How the parents of a path look now: their directory, or the first one that is not a real directory. */
export type ParentState =
  | { ok: true; dir: DirNode }
  | { ok: false; index: number; found: 'missing' | 'symlink' | 'non-directory' };

/** A walk that found a parent it must not pass (`index` is its component's index). */
type Blocked = { index: number; found: 'missing' | 'symlink' | 'non-directory' };

/**
 * Walks to the directory holding `parts`' last component. A known parent ends the walk at once
 * (one map lookup); otherwise known components are passed and unknown ones looked at, and
 * `missing` (a missing one: created, or the walk is blocked) decides the rest. Retried once from the
 * root when a known directory turns out to have been replaced behind our back (it is forgotten, so
 * the retry looks at it afresh).
 */
function walkParents(
  handles: DirHandles,
  parts: readonly string[],
  parentRelative: string,
  onMissing: ((dir: DirNode, name: string, index: number) => fs.Stats) | null,
): DirNode | Blocked {
  for (let attempt = 0; ; attempt++) {
    try {
      const known = handles.lookup(parentRelative);
      if (known !== undefined && handles.confirm(known)) {
        handles.fdOf(known);
        return known;
      }
      let dir = handles.root;
      for (let index = 0; index < parts.length - 1; index++) {
        const name = parts[index] as string;
        const child = dir.children.get(name);
        if (child !== undefined && handles.confirm(child)) {
          dir = child;
          continue;
        }
        let stats = lstatOrNull(handles.at(dir, name));
        if (stats === null) {
          if (onMissing === null) return { index, found: 'missing' };
          stats = onMissing(dir, name, index);
        }
        if (stats.isSymbolicLink()) return { index, found: 'symlink' };
        if (!stats.isDirectory()) return { index, found: 'non-directory' };
        dir = handles.add(dir, name, stats);
      }
      handles.fdOf(dir);
      return dir;
    } catch (error) {
      if (!(error instanceof StaleDirectory) || attempt > 0) throw error;
    }
  }
}

/**
 * Checks, without creating anything, that every parent of `parts` is a real directory (not a
 * symlink), and gives the one holding its last component.
 */
export function inspectParents(handles: DirHandles, parts: readonly string[]): ParentState {
  const found = walkParents(handles, parts, relativeOf(parts, parts.length - 1), null);
  return 'index' in found ? { ok: false, ...found } : { ok: true, dir: found };
}

/**
 * Makes every parent of `parts` (whose path below the root is `relative`) a real directory and gives the one holding its last component: a
 * missing one is created (mode 0755, reported through `onCreated`; the kernel creates none, so the
 * entry would be lost at boot).
 *
 * Refuses: a parent that is a symlink, even one pointing inside (`PATH_ESCAPE`, like node-tar's
 * TAR_SYMLINK_ERROR: extraction never writes through a link); a parent that is not a directory
 * (`EXTRACT_CONFLICT`).
 */
export function ensureParents(
  handles: DirHandles,
  parts: readonly string[],
  relative: string,
  record: ExtractRecord,
  onCreated: (relative: string) => void,
): DirNode {
  const last = parts[parts.length - 1] as string;
  const parentRelative = parts.length === 1 ? '' : relative.slice(0, relative.length - last.length - 1);
  const found = walkParents(handles, parts, parentRelative, (dir, name, index) => {
    const path = handles.at(dir, name);
    fs.mkdirSync(path, { mode: 0o755 });
    onCreated(relativeOf(parts, index + 1));
    return fs.lstatSync(path);
  });
  if (!('index' in found)) return found;
  const parent = relativeOf(parts, found.index + 1);
  const data = { path: relative, parent };
  if (found.found === 'symlink')
    throw entryError('PATH_ESCAPE', record, `parent "${parent}": expected a directory, got a symlink`, data);
  throw entryError('EXTRACT_CONFLICT', record, `parent "${parent}": expected a directory, got a file`, data);
}

/**
 * Clears `name` in `dir` for a new entry, last entry wins as in the kernel's `clean_path()`: a
 * non-directory is unlinked (never opened or followed: it may be a planted symlink or a hard link to
 * a file outside); a directory is kept if `keepDirectory`, else removed if empty (and forgotten with
 * everything below it).
 *
 * Returns `true` if an existing directory was kept. Refuses: replacing a non-empty directory
 * (`EXTRACT_CONFLICT`).
 */
export function clearLeaf(
  handles: DirHandles,
  dir: DirNode,
  name: string,
  relative: string,
  record: ExtractRecord,
  keepDirectory: boolean,
): boolean {
  const path = handles.at(dir, name);
  const stats = lstatOrNull(path);
  if (stats === null) return false;
  if (!stats.isDirectory()) {
    fs.unlinkSync(path);
    return false;
  }
  if (keepDirectory) return true;
  const known = dir.children.get(name);
  if (known !== undefined) handles.forget(known);
  try {
    fs.rmdirSync(path);
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

/** The inode identity of `path` itself (never followed), or `null` if it is missing. */
export function lstatKey(path: Buffer): { key: string; stats: fs.BigIntStats } | null {
  try {
    const stats = fs.lstatSync(path, { bigint: true });
    return { key: inodeKey(stats), stats };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
