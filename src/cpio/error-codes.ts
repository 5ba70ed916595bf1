/** Stable codes of the errors cpio/ throws itself (besides the common ones of src/errors). */
export const CPIO_ERROR_CODES = [
  'CPIO_BAD_CHECKSUM',
  'CPIO_BAD_FIELD',
  'CPIO_BAD_MAGIC',
  'CPIO_DECOMPRESS',
  'CPIO_FILE_TOO_LARGE',
  'CPIO_FINISHED',
  'CPIO_JUNK',
  'CPIO_LIMIT',
  'CPIO_NAME_NO_NUL',
  'CPIO_NAME_TOO_LONG',
  'CPIO_NO_TRAILER',
  'CPIO_SIZE_MISMATCH',
  'CPIO_TRUNCATED',
  'CPIO_UNSUPPORTED_FORMAT',
  'PATH_INVALID',
] as const;
export type CpioErrorCode = (typeof CPIO_ERROR_CODES)[number];
