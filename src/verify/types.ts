/**
 * Shapes of the verifier: the tree the kernel would build from an image ({@link ImageTree}), what
 * happened while building it ({@link UnpackNote}), and the verdicts of the contract checks.
 */
import type { EntryType, Info, RecordOrigin } from '../cpio/index.js';
import type { FileSample } from './file-sample.js';

/** One path of the unpacked tree, as the kernel would leave it in rootfs. */
export interface ImageNode {
  /** Normalised absolute path of the real location (symlinked parents resolved), e.g. `/sbin/init`. */
  path: string;
  type: EntryType;
  /** Permission bits (mode & 0o7777); symlinks are always 0o777, as on Linux. */
  perm: number;
  uid: number;
  gid: number;
  /** Bytes of a file, length of a symlink target, 0 for the rest. */
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  /** Symlink target, exactly as stored. */
  linkTarget?: string;
  /**
   * The file's first bytes as the verifier kept them (files only, empty otherwise): the whole file
   * when small or under /config/ or /etc/, the headers of an ELF file, the first 512 bytes of
   * anything else. Hard links share it. Use {@link content} for random access and the real size.
   */
  data: Uint8Array;
  /** Random access to what was kept of the content (ELF ranges included); `size` is the real size. */
  content: FileSample;
  /** The last record that acted on this path; segment -1 is the kernel's built-in initramfs. */
  origin: RecordOrigin;
  /** The record's name as stored (`./sbin/init`, `sbin/init`, ...). */
  rawName: string;
  /** Identity of the underlying inode in this model: hard links share it. */
  inode: number;
}

/** Kinds of events worth reporting while unpacking the way the kernel does. */
export type UnpackNoteKind =
  | 'prefixed-name'
  | 'duplicate'
  | 'dropped-no-parent'
  | 'name-too-long'
  | 'hardlink'
  | 'type-replaced'
  | 'unsafe-name'
  /** The kernel kept what was there (non-empty directory, mknod EEXIST) and lost the record's content. */
  | 'kept-existing'
  /** A later link of a hard-link group could not be linked (first path gone or a directory). */
  | 'link-failed'
  /** A non-file, non-symlink record with a body: the kernel skips it entirely (do_header). */
  | 'ignored-body';

/** Something the kernel's rules did to one record. */
export interface UnpackNote {
  kind: UnpackNoteKind;
  /** The record's name as stored, or the resolved path when it differs in meaning. */
  path: string;
  detail: string;
  origin: RecordOrigin;
  /** The record's metadata as stored (its name, type, declared device numbers, ...). */
  info: Info;
  /** For `duplicate` and `type-replaced`: the record that had made the earlier entry. */
  previous?: RecordOrigin;
}

/** The in-memory result of {@link unpackLikeKernel}. */
export interface ImageTree {
  /** Every path of rootfs, `/` included, keyed by {@link ImageNode.path}. */
  nodes: ReadonlyMap<string, ImageNode>;
  notes: UnpackNote[];
  /** Number of distinct archive segments the records came from. */
  segments: number;
  /** Number of records read, `TRAILER!!!` excluded. */
  entries: number;
}

/** One failed (or warned) check. */
export interface CheckFailure {
  /** Stable id, e.g. `component.missing`, `device.numbers`, `cmdline.unreachable`. */
  rule: string;
  path: string;
  expected: string;
  found: string;
  /** One line: `<path>: <what>: expected <x>, found <y>`. */
  message: string;
}

/** What one check returns. */
export interface CheckResult {
  failures: CheckFailure[];
  warnings: CheckFailure[];
  /** Information that is neither (e.g. which segment's record wins a name). */
  notices?: CheckFailure[];
  /** Number of individual checks it ran. */
  checked: number;
}

/** Does a command line plus this image reach rock-init? */
export interface CmdlineVerdict {
  reaches: boolean;
  /** The file the kernel would run as PID 1 (symlinks resolved), or null when it would panic. */
  pid1: string | null;
  reason: string;
}

/** Options of {@link checkContract}. */
export interface VerifyOptions {
  /** The kernel command line the image will boot with. */
  cmdline?: string;
}

/** The verdict on one image. */
export interface VerifyReport {
  passed: boolean;
  failures: CheckFailure[];
  warnings: CheckFailure[];
  /** Information: what the kernel's rules did that is normal (a later segment replacing a file). */
  notices: CheckFailure[];
  checked: number;
  cmdline?: CmdlineVerdict;
  entries: number;
  segments: number;
}

/** A contract check: a pure function of the tree and the options. */
export type Check = (tree: ImageTree, options: VerifyOptions) => CheckResult;
