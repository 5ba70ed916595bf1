import type { ElfErrorCode } from './errors.js';

/**
 * Stable codes of the errors elf/ throws itself (besides the common ones of src/errors).
 * ElfError's own codes are {@link ElfErrorCode}; this adds the reader's file errors.
 */
export const ELF_ERROR_CODES = [
  'ELF_BAD_MAGIC',
  'ELF_CORRUPT',
  'ELF_LIMIT',
  'ELF_TRUNCATED',
  'FILE_UNREADABLE',
] as const;
export type ElfThrownErrorCode = (typeof ELF_ERROR_CODES)[number];
