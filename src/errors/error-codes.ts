import { ToolError } from './tool-error.js';

/** Codes any domain may throw: the shared input and output helpers of src/util, and the CLI's. */
export const COMMON_ERROR_CODES = [
  'INPUT_NOT_FOUND',
  'INPUT_NOT_FILE',
  'FS_ERROR',
  'OUTPUT_IS_DIRECTORY',
  'OUTPUT_NOT_WRITABLE',
  'OUTPUT_WRITE_FAILED',
  'BAD_SOURCE_DATE_EPOCH',
  'BAD_OPTION',
  'USAGE',
] as const;
export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];

/**
 * True when `err` is a ToolError whose code is one of `codes` (a domain's list, e.g.
 * `KERNEL_ERROR_CODES`): then `err.code` is typed as that union and a `switch` on it is checked.
 */
export function isToolErrorOf<Code extends string>(
  err: unknown,
  codes: readonly Code[],
): err is ToolError<Code> {
  return err instanceof ToolError && (codes as readonly string[]).includes(err.code);
}
