/** Stable codes of the errors verify/ throws itself (besides the common ones of src/errors). */
export const VERIFY_ERROR_CODES = ['ELF_LIMIT'] as const;
export type VerifyErrorCode = (typeof VERIFY_ERROR_CODES)[number];
