import type { dedupeLastWins } from './dedupe-last-wins.js';
import type { WriteEntry } from './types.js';

/**
 * Returns the entries with a directory entry inserted before the first entry under every ancestor
 * that has no entry before it: the kernel's init/initramfs.c creates no parent directories and
 * silently drops an entry whose parent is missing when it is unpacked. (An ancestor whose own entry
 * comes later gets one here too; the later entry still wins, see {@link dedupeLastWins}.) Added directories get `perm` (default 0o755),
 * `mtime` (default 0), uid/gid 0. An ancestor that exists as another type (a symlink) is left alone.
 * Names must be normalised ({@link normalizeName}). Inputs are not modified.
 *
 * @example addMissingParents([file('usr/bin/sh')]) // [dir('usr'), dir('usr/bin'), file('usr/bin/sh')]
 */
export function addMissingParents(
  entries: readonly WriteEntry[],
  defaults: { perm?: number; mtime?: number } = {},
): WriteEntry[] {
  const present = new Set<string>();
  const out: WriteEntry[] = [];
  for (const entry of entries) {
    const parts = entry.info.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (present.has(parent)) continue;
      present.add(parent);
      out.push({
        info: {
          name: parent,
          type: 'directory',
          perm: defaults.perm ?? 0o755,
          uid: 0,
          gid: 0,
          mtime: defaults.mtime ?? 0,
          ino: 0,
          nlink: 2,
          devMajor: 0,
          devMinor: 0,
          rdevMajor: 0,
          rdevMinor: 0,
          size: 0,
        },
      });
    }
    present.add(entry.info.name);
    out.push(entry);
  }
  return out;
}
