import type { ArchiveEntry, CpioRecord } from '../../cpio/index.js';
import type { DirCache } from './dir-cache.js';
import type { LinkGroups } from './link-groups.js';
import type { MetadataLedger } from './metadata.js';
import type { ExtractResult, ExtractWarning } from './types.js';

/** What extraction takes: entries from the streaming reader, or records with their data in memory. */
export type ExtractRecord = ArchiveEntry | CpioRecord;

/** State of one extraction run, shared by the per-type writers. */
export interface ExtractContext {
  /** Real path of the destination; every path written is `root/<normalised parts>`. */
  root: string;
  ledger: MetadataLedger;
  groups: LinkGroups;
  /** Directories below `root` known to be real directories now (see {@link DirCache}). */
  dirs: DirCache;
  result: ExtractResult;
  /** Relative paths written so far, in order (named when a run into an existing DIR fails). */
  written: string[];
  warn: (warning: ExtractWarning) => void;
}

/** One record placed: its normalised components, full path and relative path. */
export interface Placed {
  record: ExtractRecord;
  parts: string[];
  full: string;
  relative: string;
}
