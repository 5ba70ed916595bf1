import fs from 'node:fs';
import type { EntryType } from '../../cpio/index.js';
import type { ExtractRecord } from './context.js';
import { type DirHandles, StaleDirectory } from './dir-handles.js';
import { inodeKey, inspectParents, lstatKey } from './walk.js';

/** Metadata to apply to one created inode once everything is written. */
interface Pending {
  type: EntryType;
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Every name it was given (hard links), newest last; any one still naming it will do. */
  paths: string[][];
}

/** How modes and owners are applied. */
export interface MetadataOptions {
  preserveOwners: boolean;
  preserveSpecialBits: boolean;
}

/** Errors that mean "this name no longer holds the inode we made": skip it, a later entry replaced it. */
const GONE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

/**
 * Modes, owners and mtimes, applied at the end: a 0500 directory must still be fillable and writing
 * into a directory changes its mtime. Keyed by the inode we created, never by name, and each inode is
 * found again by a fresh lstat walk whose result must be that very inode: a name later replaced by a
 * symlink (`x` dir, then `x -> /etc`) is skipped instead of chmod-ing what it points to.
 */
export class MetadataLedger {
  readonly #pending = new Map<string, Pending>();

  /** Notes a freshly created inode (replacing whatever an earlier, since removed, inode of that key said). */
  created(stats: fs.BigIntStats, record: ExtractRecord, parts: string[]): void {
    const { type, perm, uid, gid, mtime } = record.info;
    this.#pending.set(inodeKey(stats), { type, perm, uid, gid, mtime, paths: [parts] });
  }

  /** Notes a new hard link to an inode: the latest record's metadata wins, as the kernel's would. */
  linked(key: string, record: ExtractRecord, parts: string[]): void {
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    Object.assign(pending, {
      perm: record.info.perm,
      uid: record.info.uid,
      gid: record.info.gid,
      mtime: record.info.mtime,
    });
    pending.paths.push(parts);
  }

  /** Applies everything: non-directories first, then directories deepest first. */
  apply(handles: DirHandles, options: MetadataOptions): void {
    const entries = [...this.#pending.entries()];
    const depth = (pending: Pending): number => pending.paths[0]?.length ?? 0;
    const others = entries.filter(([, pending]) => pending.type !== 'directory');
    const dirs = entries
      .filter(([, pending]) => pending.type === 'directory')
      .sort(([, a], [, b]) => depth(b) - depth(a));
    for (const [key, pending] of [...others, ...dirs]) {
      for (const parts of [...pending.paths].reverse()) {
        if (applyOne(handles, parts, key, pending, options)) break;
      }
    }
  }
}

/** Applies `pending` through one of its names; `false` if that name no longer holds inode `key`. */
function applyOne(
  handles: DirHandles,
  parts: string[],
  key: string,
  pending: Pending,
  options: MetadataOptions,
): boolean {
  try {
    const parents = inspectParents(handles, parts);
    if (!parents.ok) return false;
    return applyAt(handles.at(parents.dir, parts[parts.length - 1] as string), key, pending, options);
  } catch (error) {
    // A directory replaced behind our back: this name no longer holds what we made.
    if (error instanceof StaleDirectory) return false;
    throw error;
  }
}

/** Applies `pending` to `path` (a name inside a real directory); `false` if it no longer holds inode `key`. */
function applyAt(path: Buffer, key: string, pending: Pending, options: MetadataOptions): boolean {
  // Strip setuid/setgid unless asked; keep the sticky bit (`/tmp` is 1777).
  const mode = pending.perm & (options.preserveSpecialBits ? 0o7777 : 0o1777);
  if (pending.type === 'file' || pending.type === 'directory') {
    // Through an O_NOFOLLOW descriptor, so a swapped final component is never followed.
    const directory = pending.type === 'directory' ? fs.constants.O_DIRECTORY : 0;
    let fd: number;
    try {
      fd = fs.openSync(
        path,
        fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK | directory,
      );
    } catch (error) {
      if (GONE.has((error as NodeJS.ErrnoException).code ?? '')) return false;
      throw error;
    }
    try {
      if (inodeKey(fs.fstatSync(fd, { bigint: true })) !== key) return false;
      // chown before chmod: chown clears setuid/setgid.
      if (options.preserveOwners) fs.fchownSync(fd, pending.uid, pending.gid);
      fs.fchmodSync(fd, mode);
      fs.futimesSync(fd, pending.mtime, pending.mtime);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }
  // Symlinks and special files are never opened (opening a device can have effects).
  const found = lstatKey(path);
  if (found === null || found.key !== key) return false;
  if (options.preserveOwners) fs.lchownSync(path, pending.uid, pending.gid);
  // Linux has no lchmod and a symlink's mode is meaningless; the special file was just checked by lstat.
  if (pending.type !== 'symlink') fs.chmodSync(path, mode);
  fs.lutimesSync(path, pending.mtime, pending.mtime);
  return true;
}
