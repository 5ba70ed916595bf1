import { decodeName, encodeName, escapeName } from './byte-names.js';

/** At most this many bytes of input are quoted in one message (names, headers, garbage). */
export const QUOTE_MAX = 80;

/**
 * Quotes input for an error line: the bytes (a name string counts as its bytes) escaped like
 * `ls -b`, in double quotes, cut after {@link QUOTE_MAX} bytes with the total length said, so a
 * hostile 8 KiB name never floods a terminal: `"aaaa..." (8747 bytes)`.
 *
 * @example quoteInput('caf\udce9') // '"caf\\xe9"'
 */
export function quoteInput(input: Uint8Array | string, max = QUOTE_MAX): string {
  const bytes = typeof input === 'string' ? encodeName(input) : input;
  const shown = escapeName(decodeName(bytes.subarray(0, max))).replaceAll('"', '\\"');
  return bytes.length > max ? `"${shown}..." (${bytes.length} bytes)` : `"${shown}"`;
}
