import { CheckError, InputError } from '../errors/index.js';
import type { MacErrorCode } from '../net/index.js';

/**
 * Every code rock-mac's library throws, so a caller can switch on them. Exit 2 (unusable input or
 * environment): the MAC codes, BAD_OPTION, METADATA_INVALID, POOL_UNKNOWN, MAC_OUTSIDE_POOL, CONFIG_*,
 * DB_*. Exit 1 (the request was refused): POOL_EXHAUSTED, MAC_IN_USE, MAC_RESERVED, MAC_NOT_FOUND,
 * DEVICE_NOT_FOUND.
 */
export type DispenserErrorCode =
  | MacErrorCode
  | 'BAD_OPTION'
  | 'METADATA_INVALID'
  | 'POOL_UNKNOWN'
  | 'MAC_OUTSIDE_POOL'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'CONFIG_BAD_RANGE'
  | 'CONFIG_POOL_OVERLAP'
  | 'DB_OPEN_FAILED'
  | 'DB_UNREACHABLE'
  | 'DB_BAD_SCHEMA'
  | 'DB_SCHEMA_TOO_NEW'
  | RefusalCode;

/** The refusals (exit 1). */
export type RefusalCode =
  | 'POOL_EXHAUSTED'
  | 'MAC_IN_USE'
  | 'MAC_RESERVED'
  | 'MAC_NOT_FOUND'
  | 'DEVICE_NOT_FOUND';

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
