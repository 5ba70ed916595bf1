import type { ExtractRecord } from './context.js';

/** The first member of a hard-link group: where it was created. */
export interface GroupFirst {
  parts: string[];
}

/**
 * Hard-link groups as the kernel's `maybe_link()`/`find_link()` see them: records with nlink >= 2 and
 * equal (ino, devMajor, devMinor, file type) are one inode. The type is part of the key, so an inode
 * collision across types is not a link; directories and symlinks are never linked (the kernel links
 * only regular files and special files). Groups reset at each segment, like the kernel's hash, which
 * is freed at every trailer.
 */
export class LinkGroups {
  #segment: number | undefined;
  readonly #groups = new Map<string, GroupFirst>();

  /** The group key of `record`, or `null` if it is not a hard-link candidate. */
  static keyOf(record: ExtractRecord): string | null {
    const { type, nlink, ino, devMajor, devMinor } = record.info;
    if (nlink < 2 || type === 'directory' || type === 'symlink') return null;
    return `${devMajor}:${devMinor}:${ino}:${type}`;
  }

  /** The first member of `record`'s group in the current segment, if one was created. */
  find(record: ExtractRecord): GroupFirst | undefined {
    // The kernel resets its link table at every TRAILER!!!, i.e. per archive (init/initramfs.c).
    if (record.origin.archive !== this.#segment) {
      this.#segment = record.origin.archive;
      this.#groups.clear();
    }
    const key = LinkGroups.keyOf(record);
    return key === null ? undefined : this.#groups.get(key);
  }

  /** Records `record` as the first member of its group (no-op for records that are not candidates). */
  remember(record: ExtractRecord, first: GroupFirst): void {
    const key = LinkGroups.keyOf(record);
    if (key !== null) this.#groups.set(key, first);
  }
}
