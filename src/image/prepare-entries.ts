import {
  addMissingParents,
  assignInodes,
  dedupeLastWins,
  makeReproducible,
  normalizeName,
  sortForArchive,
  type WriteEntry,
} from '../cpio/index.js';
import { resolveParentSymlinks } from './resolve-parent-symlinks.js';

/** How entries become deterministic archive records. */
export interface PrepareOptions {
  /** Every record's mtime: SOURCE_DATE_EPOCH, default 0. */
  mtime?: number;
}

/**
 * Turns collected entries into the exact record list of a reproducible image:
 * names normalised, missing parent directories added (the kernel creates none), the last of two
 * equal names kept (the kernel's rule), entries sorted so parents come first, owners 0:0,
 * mtimes fixed, inode numbers assigned in order with hard-link groups sharing one.
 *
 * The same inputs give the same list, whatever the host's uids, times or inode numbers were.
 */
export function prepareEntries(entries: WriteEntry[], options: PrepareOptions = {}): WriteEntry[] {
  const mtime = options.mtime ?? 0;
  const named = entries.map((e) => ({ ...e, info: { ...e.info, name: normalizeName(e.info.name) } }));
  // Parents first, then de-duplication: a parent added for an early entry is replaced by the
  // directory's own entry when one comes later (the last entry of a name wins, as in the kernel).
  // Entries below a directory symlink of the image (Debian's `lib -> usr/lib`) move to where it
  // leads, after a first de-duplication has settled which of a symlink and a directory won.
  const settled = resolveParentSymlinks(dedupeLastWins(named));
  const complete = addMissingParents(settled, { perm: 0o755, mtime });
  const unique = dedupeLastWins(complete);
  const sorted = sortForArchive(unique);
  const fixed = makeReproducible(sorted, { mtime, uid: 0, gid: 0 });
  return assignInodes(fixed, { first: 1 });
}
