import type { CpioRecord } from '../../cpio/index.js';
import type { LinkGroups } from './link-groups.js';
import type { MetadataLedger } from './metadata.js';
import type { ExtractResult, ExtractWarning } from './types.js';

/** State of one extraction run, shared by the per-type writers. */
export interface ExtractContext {
  /** Real path of the destination; every path written is `root/<normalised parts>`. */
  root: string;
  ledger: MetadataLedger;
  groups: LinkGroups;
  result: ExtractResult;
  warn: (warning: ExtractWarning) => void;
}

/** One record placed: its normalised components, full path and relative path. */
export interface Placed {
  record: CpioRecord;
  parts: string[];
  full: string;
  relative: string;
}
