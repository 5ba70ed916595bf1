import { NET_ERROR_CODES } from '../net/error-codes.js';

/** The refusals (exit 1). */
export const MAC_REFUSAL_CODES = [
  'POOL_EXHAUSTED',
  'MAC_IN_USE',
  'MAC_RESERVED',
  'MAC_NOT_FOUND',
  'DEVICE_NOT_FOUND',
] as const;

/**
 * Every code rock-mac's library throws, so a caller can switch on them. Exit 2 (unusable input or
 * environment): the MAC codes, BAD_OPTION, METADATA_INVALID, POOL_UNKNOWN, MAC_OUTSIDE_POOL, CONFIG_*,
 * DB_*. Exit 1 (the request was refused): {@link MAC_REFUSAL_CODES}.
 */
export const MAC_ERROR_CODES = [
  ...NET_ERROR_CODES,
  'BAD_OPTION',
  'METADATA_INVALID',
  'POOL_UNKNOWN',
  'MAC_OUTSIDE_POOL',
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'CONFIG_BAD_RANGE',
  'CONFIG_POOL_OVERLAP',
  'DB_OPEN_FAILED',
  'DB_UNREACHABLE',
  'DB_BAD_SCHEMA',
  'DB_SCHEMA_TOO_NEW',
  ...MAC_REFUSAL_CODES,
] as const;
