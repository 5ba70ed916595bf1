/** Stable codes of the errors build/ throws itself (besides the common ones of src/errors). */
export const BUILD_ERROR_CODES = [
  'BUILD_FAILED',
  'BUILD_STATE_INVALID',
  'INPUT_UNREADABLE',
  'MANIFEST_INVALID',
  'MANIFEST_UNREADABLE',
  'OUTPUT_DEPS_UNRESOLVED',
  'OUTPUT_DIR_HOLDS_SOURCE',
  'OUTPUT_MISSING',
  'OUTPUT_NOT_ELF',
  'OUTPUT_NOT_EXECUTABLE',
  'OUTPUT_NOT_STATIC',
  'OUTPUT_WRONG_MACHINE',
  'SOURCE_NOT_DIRECTORY',
  'SOURCE_UNREADABLE',
  'UNKNOWN_COMPONENT',
] as const;
export type BuildErrorCode = (typeof BUILD_ERROR_CODES)[number];
