/**
 * Records of a newc (`070701`/`070702`) archive: plain, comparable metadata ({@link Info}) kept apart
 * from content. Codecs in this folder never touch the filesystem.
 */
import type { Compression } from '../compression/index.js';
import type { EntryContent } from './entry-content.js';

/** What a record is; maps one-to-one onto the S_IFMT bits of the newc mode field. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'char-device' | 'block-device' | 'fifo' | 'socket';

/** S_IFMT values of each entry type (octal, as in <sys/stat.h>). */
export const TYPE_BITS: Readonly<Record<EntryType, number>> = {
  socket: 0o140000,
  symlink: 0o120000,
  file: 0o100000,
  'block-device': 0o060000,
  directory: 0o040000,
  'char-device': 0o020000,
  fifo: 0o010000,
};

/** Metadata of one record, exactly what a newc header can say. */
export interface Info {
  /**
   * The name, bytes kept exactly (non-UTF-8 bytes as U+DC80+byte, see util/byte-names). The reader
   * takes it up to its first NUL, as the kernel does, and reports it as stored (it may carry `./` or `/`; the verifier flags that);
   * the writer refuses names that are not normalised (no leading `/` or `./`, no `.`/`..` parts).
   */
  name: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  perm: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (newc stores 32 bits). */
  mtime: number;
  ino: number;
  nlink: number;
  /** The device the file lives on; part of the kernel's hard-link key. */
  devMajor: number;
  devMinor: number;
  /** The device a char/block node refers to. */
  rdevMajor: number;
  rdevMinor: number;
  /** Length of the data: file contents, or the symlink target's length. */
  size: number;
  /**
   * Symlink target (symlinks only; stored as the record's data). The reader takes it up to the first
   * NUL, as the kernel does (gen_init_cpio stores the NUL: `size` is then the length + 1).
   */
  linkTarget?: string;
}

/** Where a record was found, for messages and for per-segment rules (hard links reset per segment). */
export interface RecordOrigin {
  /** Index of the archive segment (0 for the first; early microcode is often segment 0). */
  segment: number;
  /**
   * Index of the archive (counted by TRAILER!!! records over the whole input). Usually equal to
   * `segment`, but one compressed segment may hold several archives; the kernel resets its
   * hard-link table at every trailer, so hard links never cross archives.
   */
  archive: number;
  /** Compression of that segment. */
  compression: Compression;
  /** Offset of the header within the segment's decompressed stream. */
  offset: number;
  /** Offset of the segment in the input file. */
  segmentOffset: number;
}

/** One record as read: metadata, its data (file contents; empty for others), and where it was. */
export interface CpioRecord {
  info: Info;
  data: Uint8Array;
  origin: RecordOrigin;
}

/**
 * One entry as the streaming reader hands it out: metadata, where it was, and its data as a lazy
 * handle (read it before asking for the next entry, or it is skipped).
 */
export interface ArchiveEntry {
  info: Info;
  content: EntryContent;
  origin: RecordOrigin;
}

/** Content to write for a file: bytes in memory, or a lazy source with a declared size. */
export type Content = Uint8Array | { readonly size: number; open(): AsyncIterable<Uint8Array> };

/** One record to write. `info.size` is taken from the content (or the link target) by the writer. */
export interface WriteEntry {
  info: Info;
  content?: Content;
  /**
   * Entries with the same `linkGroup` are hard links of one file. {@link assignInodes} gives them one
   * inode number and the group's nlink, and keeps the data on the last link only (as GNU cpio does;
   * the kernel accepts data on any link of a group).
   */
  linkGroup?: string;
}
