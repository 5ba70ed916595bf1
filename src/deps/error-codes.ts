/** Stable codes of the errors deps/ throws itself (besides the common ones of src/errors). */
export const DEPS_ERROR_CODES = [
  'COPY_CONFLICT',
  'DEPS_MISSING',
  'DEPS_NOT_A_FILE',
  'DEPS_NOT_EXECUTABLE',
  'DEPS_NOT_FOUND',
  'DEPS_NOT_LOADABLE',
  'DEPS_SCRIPT_LOOP',
  'FILE_UNREADABLE',
  'LDSO_CACHE_CORRUPT',
  'ROOT_NOT_DIRECTORY',
] as const;
export type DepsErrorCode = (typeof DEPS_ERROR_CODES)[number];
