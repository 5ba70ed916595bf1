/**
 * Stable codes of the errors oci/ throws itself (besides the common ones of src/errors).
 * A registry's own error body also becomes `OCI_<its code>` (e.g. `OCI_MANIFEST_UNKNOWN`), not listed here.
 */
export const OCI_ERROR_CODES = [
  'DOCKER_CONFIG_INVALID',
  'DOCKER_CONFIG_UNREADABLE',
  'DOCKER_CREDENTIAL_HELPER_FAILED',
  'OCI_BAD_REFERENCE',
  'OCI_CREDENTIALS_REFUSED',
  'OCI_CREDENTIALS_REQUIRED',
  'OCI_DENIED',
  'OCI_DIGEST_MISMATCH',
  'OCI_HTTP_STATUS',
  'OCI_MALFORMED_RESPONSE',
  'OCI_NOT_FOUND',
  'OCI_REDIRECT',
  'OCI_RESPONSE_TOO_LARGE',
  'OCI_SIZE_MISMATCH',
  'OCI_TOKEN_FAILED',
  'OCI_UNAUTHORIZED',
  'OCI_UNREACHABLE',
] as const;
export type OciErrorCode = (typeof OCI_ERROR_CODES)[number];
