import type { Content, WriteEntry } from './types.js';

function contentSize(content: Content | undefined): number {
  if (content === undefined) return 0;
  return content instanceof Uint8Array ? content.length : content.size;
}

/**
 * Returns the entries numbered for the kernel's hard-link rules (init/initramfs.c matches
 * non-directories with nlink >= 2 by major, minor, ino and type):
 * - inode numbers are sequential from `first` (default 1) in entry order;
 * - entries with the same `linkGroup` share the first member's number, nlink = group size, and the
 *   data sits on the LAST link only (the others get size 0 and no content), as GNU cpio writes it;
 *   the data is the last member's content, or else the last content found in the group;
 * - directories get nlink 2 + their subdirectory entries; everything else nlink 1.
 * `linkGroup` is ignored on directories and symlinks (the kernel links neither). Pure.
 *
 * @example assignInodes([dirEntry, fileA, fileB]) // ino 1, 2, 3
 */
export function assignInodes(entries: readonly WriteEntry[], options: { first?: number } = {}): WriteEntry[] {
  const linked = (e: WriteEntry) =>
    e.linkGroup !== undefined && e.info.type !== 'directory' && e.info.type !== 'symlink';
  const groups = new Map<string, number[]>();
  const subdirs = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (linked(entry)) {
      const members = groups.get(entry.linkGroup!) ?? [];
      members.push(i);
      groups.set(entry.linkGroup!, members);
    }
    if (entry.info.type === 'directory') {
      const slash = entry.info.name.lastIndexOf('/');
      if (slash > 0) {
        const parent = entry.info.name.slice(0, slash);
        subdirs.set(parent, (subdirs.get(parent) ?? 0) + 1);
      }
    }
  });
  const groupIno = new Map<string, number>();
  let next = options.first ?? 1;
  return entries.map((entry, i) => {
    const info = { ...entry.info };
    if (info.type === 'directory') {
      info.ino = next++;
      info.nlink = 2 + (subdirs.get(info.name) ?? 0);
      return { ...entry, info };
    }
    if (!linked(entry)) {
      info.ino = next++;
      info.nlink = 1;
      return { ...entry, info };
    }
    const key = entry.linkGroup!;
    const members = groups.get(key)!;
    let ino = groupIno.get(key);
    if (ino === undefined) {
      ino = next++;
      groupIno.set(key, ino);
    }
    info.ino = ino;
    info.nlink = members.length;
    const isLast = members[members.length - 1] === i;
    if (info.type !== 'file') return { ...entry, info };
    if (!isLast) {
      info.size = 0;
      const { content: _dropped, ...rest } = entry;
      return { ...rest, info };
    }
    let content = entry.content;
    for (let m = members.length - 1; content === undefined && m >= 0; m--)
      content = entries[members[m]!]!.content;
    info.size = contentSize(content);
    return content === undefined ? { ...entry, info } : { ...entry, info, content };
  });
}
