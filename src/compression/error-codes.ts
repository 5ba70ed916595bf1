/** Stable codes of the errors compression/ throws itself (besides the common ones of src/errors). */
export const COMPRESSION_ERROR_CODES = ['CPIO_BAD_FIELD', 'CPIO_UNSUPPORTED_COMPRESSION'] as const;
export type CompressionErrorCode = (typeof COMPRESSION_ERROR_CODES)[number];
