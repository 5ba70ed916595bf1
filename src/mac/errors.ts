import { CheckError, InputError } from '../errors/index.js';
import type { MAC_ERROR_CODES, MAC_REFUSAL_CODES } from './error-codes.js';

/** Every code rock-mac's library throws ({@link MAC_ERROR_CODES}), so a caller can switch on them. */
export type DispenserErrorCode = (typeof MAC_ERROR_CODES)[number];

/** The refusals (exit 1). */
export type RefusalCode = (typeof MAC_REFUSAL_CODES)[number];

/** Input rock-mac cannot use (exit 2). */
export function dispenserInputError(
  code: Exclude<DispenserErrorCode, RefusalCode>,
  message: string,
  data: Record<string, unknown> = {},
): InputError {
  return new InputError(code, message, data);
}

/** A request the pools refuse (exit 1). */
export function dispenserRefusal(
  code: RefusalCode,
  message: string,
  data: Record<string, unknown> = {},
): CheckError {
  return new CheckError(code, message, data);
}
