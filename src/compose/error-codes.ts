/** Stable codes of the errors compose/ throws itself (besides the common ones of src/errors). */
export const COMPOSE_ERROR_CODES = [
  'BAD_JOBS',
  'BAD_VAR',
  'PIPELINE_INVALID',
  'PIPELINE_UNREADABLE',
] as const;
export type ComposeErrorCode = (typeof COMPOSE_ERROR_CODES)[number];
