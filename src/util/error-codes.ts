/**
 * Stable codes of the errors util/ throws itself (besides the common ones of src/errors).
 * Mostly the common codes of src/errors; these are the rest.
 */
export const UTIL_ERROR_CODES = ['OUTPUT_IS_INPUT'] as const;
export type UtilErrorCode = (typeof UTIL_ERROR_CODES)[number];
