/** Stable codes of the errors cache/ throws itself (besides the common ones of src/errors). */
export const CACHE_ERROR_CODES = [
  'CACHE_BAD_CONFIG',
  'CACHE_BAD_DIGEST',
  'CACHE_BAD_IMPORT',
  'CACHE_BAD_KEY',
  'CACHE_BAD_MODE',
  'CACHE_BAD_OPTION',
  'CACHE_BAD_REMOTE',
  'CACHE_DIGEST_MISMATCH',
  'CACHE_PRUNE_NOTHING',
  'CACHE_REMOTE_BAD_ENTRY',
  'CACHE_REMOTE_FAILED',
] as const;
export type CacheErrorCode = (typeof CACHE_ERROR_CODES)[number];
