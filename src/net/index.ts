/** Network identifiers shared by every tool: the one MAC address parser. */

export { NET_ERROR_CODES, type NetErrorCode } from './error-codes.js';
export {
  CANONICAL_MAC,
  formatMac,
  isRockMac,
  looksLikeMac,
  type MacErrorCode,
  normalizeMac,
  OUI_FIRST,
  OUI_LAST,
  parseMac,
  parseNicMac,
  parseRockMac,
  ROCK_OUI,
} from './mac-address.js';
