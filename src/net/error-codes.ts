/**
 * Stable codes of the errors net/ throws itself (besides the common ones of src/errors).
 * The MAC address parser's: {@link MacErrorCode} is this type.
 */
export const NET_ERROR_CODES = ['MAC_MALFORMED', 'MAC_NOT_UNICAST', 'MAC_OUTSIDE_OUI'] as const;
export type NetErrorCode = (typeof NET_ERROR_CODES)[number];
