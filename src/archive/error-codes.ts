/** Stable codes of the errors archive/ throws itself (besides the common ones of src/errors). */
export const ARCHIVE_ERROR_CODES = [
  'AR_BAD_HEADER',
  'AR_BAD_MAGIC',
  'AR_TRUNCATED',
  'DEB_NOT_BINARY_PACKAGE',
  'DEB_UNKNOWN_COMPRESSION',
  'DECOMPRESS_FAILED',
  'TAR_BAD_HEADER',
  'TAR_BAD_NAME',
  'TAR_NAME_TOO_LONG',
  'TAR_SIZE_CHANGED',
  'TAR_TOO_LARGE',
  'TAR_TRUNCATED',
] as const;
export type ArchiveErrorCode = (typeof ARCHIVE_ERROR_CODES)[number];
