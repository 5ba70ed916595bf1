import fs from 'node:fs';
import type { EntryType } from '../../cpio/index.js';
import type { ExtractRecord } from './context.js';
import { type DirHandles, type DirNode, StaleDirectory } from './dir-handles.js';
import { inodeKey, lstatKey } from './walk.js';

/** Where an inode was given a name: the directory holding it and its last component. */
export interface Place {
  dir: DirNode;
  name: string;
  /** Components of the whole path (directories are applied deepest first). */
  parts: readonly string[];
}

/** A place as the ledger keeps it: no component array (it would hold depth-sized arrays per entry). */
interface Kept {
  dir: DirNode;
  name: string;
  depth: number;
}

/** Metadata to apply to one created inode once everything is written. */
interface Pending {
  type: EntryType;
  perm: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Every name it was given (hard links), newest last; any one still naming it will do. */
  places: Kept[];
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
 * found again through the directory it was made in (still at its name: one lstat; forgotten if it
 * was removed) and must be that very inode: a name later replaced by a symlink (`x` dir, then
 * `x -> /etc`) is skipped instead of chmod-ing what it points to.
 */
export class MetadataLedger {
  readonly #pending = new Map<string, Pending>();

  /** Notes a freshly created inode (replacing whatever an earlier, since removed, inode of that key said). */
  created(stats: fs.BigIntStats, record: ExtractRecord, place: Place): void {
    const { type, perm, uid, gid, mtime } = record.info;
    this.#pending.set(inodeKey(stats), { type, perm, uid, gid, mtime, places: [kept(place)] });
  }

  /** Notes a new hard link to an inode: the latest record's metadata wins, as the kernel's would. */
  linked(key: string, record: ExtractRecord, place: Place): void {
    const pending = this.#pending.get(key);
    if (pending === undefined) return;
    Object.assign(pending, {
      perm: record.info.perm,
      uid: record.info.uid,
      gid: record.info.gid,
      mtime: record.info.mtime,
    });
    pending.places.push(kept(place));
  }

  /** Applies everything: non-directories first, then directories deepest first. */
  apply(handles: DirHandles, options: MetadataOptions): void {
    const entries = [...this.#pending.entries()];
    const depth = (pending: Pending): number => pending.places[0]?.depth ?? 0;
    const others = entries.filter(([, pending]) => pending.type !== 'directory');
    const dirs = entries
      .filter(([, pending]) => pending.type === 'directory')
      .sort(([, a], [, b]) => depth(b) - depth(a));
    for (const [key, pending] of [...others, ...dirs]) {
      for (const place of [...pending.places].reverse()) {
        if (applyOne(handles, place, key, pending, options)) break;
      }
    }
  }
}

function kept(place: Place): Kept {
  return { dir: place.dir, name: place.name, depth: place.parts.length };
}

/** Applies `pending` through one of its names; `false` if that name no longer holds inode `key`. */
function applyOne(
  handles: DirHandles,
  place: Kept,
  key: string,
  pending: Pending,
  options: MetadataOptions,
): boolean {
  try {
    // The directory it was made in, still at its name (one lstat); the inode is checked below.
    if (!handles.confirm(place.dir)) return false;
    return applyAt(handles.at(place.dir, place.name), key, pending, options);
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
