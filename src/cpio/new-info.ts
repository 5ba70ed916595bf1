import type { EntryType, Info } from './types.js';

/**
 * A record's metadata with the defaults every builder wants: owner 0:0, mtime 0, no inode yet,
 * nlink 2 for a directory and 1 otherwise, no device numbers, size 0; `extra` overrides any field.
 *
 * @example newInfo('bin/sh', 'symlink', 0o777, { linkTarget: 'busybox', size: 7 })
 */
export function newInfo(name: string, type: EntryType, perm: number, extra: Partial<Info> = {}): Info {
  return {
    name,
    type,
    perm,
    uid: 0,
    gid: 0,
    mtime: 0,
    ino: 0,
    nlink: type === 'directory' ? 2 : 1,
    devMajor: 0,
    devMinor: 0,
    rdevMajor: 0,
    rdevMinor: 0,
    size: 0,
    ...extra,
  };
}
