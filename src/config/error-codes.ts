/** Stable codes of the errors config/ throws itself (besides the common ones of src/errors). */
export const CONFIG_ERROR_CODES = [
  'CONFIG_ALREADY_ENCRYPTED',
  'CONFIG_DEST',
  'CONFIG_DEST_DUPLICATE',
  'CONFIG_DEST_RESERVED',
  'CONFIG_ENCRYPTED',
  'CONFIG_EXISTS',
  'CONFIG_INVALID',
  'CONFIG_NOT_A_MAPPING',
  'CONFIG_OVERRIDE_NOT_MAPPING',
  'CONFIG_SPEC',
  'CONFIG_TOO_LARGE',
  'CONFIG_YAML',
] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];
