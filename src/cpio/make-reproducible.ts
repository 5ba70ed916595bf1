import type { WriteEntry } from './types.js';

/**
 * Returns the entries with host details removed: mtime set to `mtime` (default 0, e.g.
 * SOURCE_DATE_EPOCH), uid/gid to `uid`/`gid` (default 0), devMajor/devMinor to 0. Inode numbers are
 * left alone (setting them all to 0 broke hard links elsewhere: use {@link assignInodes}). Pure.
 *
 * @example makeReproducible(entries, { mtime: 1700000000 })
 */
export function makeReproducible(
  entries: readonly WriteEntry[],
  options: { mtime?: number; uid?: number; gid?: number } = {},
): WriteEntry[] {
  return entries.map((entry) => ({
    ...entry,
    info: {
      ...entry.info,
      mtime: options.mtime ?? 0,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
      devMajor: 0,
      devMinor: 0,
    },
  }));
}
