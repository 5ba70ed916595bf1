import type { ArchiveEntry, CpioRecord } from '../../cpio/index.js';
import type { DirHandles, DirNode } from './dir-handles.js';
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
  /** Directories below `root` known to be real directories now, with their descriptors (see {@link DirHandles}). */
  dirs: DirHandles;
  result: ExtractResult;
  /** Relative paths written so far, in order (named when a run into an existing DIR fails). */
  written: string[];
  warn: (warning: ExtractWarning) => void;
}

/** One record placed: its normalised components, full and relative path, and where it goes. */
export interface Placed {
  record: ExtractRecord;
  parts: string[];
  full: string;
  relative: string;
  /** The directory that holds it (a real directory, walked to without following anything). */
  dir: DirNode;
  /** Its last component. */
  name: string;
}
