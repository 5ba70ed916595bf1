import { InputError } from '../errors/index.js';
import type { NetErrorCode } from './error-codes.js';

/**
 * The one MAC address parser of the suite. Every tool that takes a MAC (rock-mac, rock-image --mac,
 * rock-kernel cmdline/boot --mac, QEMU's NIC, node.yaml's network.mac) goes through it, so they all
 * accept the same spellings and refuse with the same codes:
 *
 * - surrounding white space is trimmed (`grep "Allocated MAC:" | cut -d: -f2-` leaves a leading space);
 * - upper or lower case, `:` or `-` between the six bytes (`A4-58-0F-00-00-01`);
 * - the result is always the lower-case colon form `a4:58:0f:00:00:01`.
 *
 * Codes: `MAC_MALFORMED` (not six hex bytes), `MAC_NOT_UNICAST` (a NIC address that is multicast or
 * all-zero), `MAC_OUTSIDE_OUI` (not under the ROCK-OS OUI, where one is required).
 */
export type MacErrorCode = NetErrorCode;

/** The ROCK-OS organisationally unique identifier: every address this suite hands out starts with it. */
export const ROCK_OUI = 'a4:58:0f';

/** The 24-bit OUI as an integer. */
const OUI_INT = 0xa4580f;

/** First and last address under the OUI, as 48-bit integers (they fit a double exactly). */
export const OUI_FIRST = OUI_INT * 0x1000000;
export const OUI_LAST = OUI_FIRST + 0xffffff;

const MAC_RE =
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;

/** The canonical spelling: what every tool writes and prints. */
export const CANONICAL_MAC = /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/**
 * Parses a MAC (trimmed; any case; `:` or `-`) into its 48-bit integer. Refuses anything else with
 * `MAC_MALFORMED`; `field` names the input in the message and in `data.field` (a library field such as
 * `mac`, or `file:line:col`). Does not check the OUI or the kind of address.
 */
export function parseMac(text: string, field = 'mac'): number {
  const m = MAC_RE.exec(text.trim());
  if (!m) {
    throw new InputError(
      'MAC_MALFORMED',
      `${field}: expected a MAC address like ${ROCK_OUI}:00:00:01, got ${quoteShort(text)}`,
      { field, expected: 'xx:xx:xx:xx:xx:xx', actual: text.slice(0, 40) },
    );
  }
  let n = 0;
  for (const i of [1, 3, 4, 5, 6, 7]) n = n * 256 + Number.parseInt(m[i] as string, 16);
  return n;
}

/** Parses and returns the canonical lower-case colon form. */
export function normalizeMac(text: string, field = 'mac'): string {
  return formatMac(parseMac(text, field));
}

/**
 * A MAC for a network interface: canonical form, refusing (`MAC_NOT_UNICAST`) a multicast address
 * (low bit of the first byte set: a NIC cannot have one) and the all-zero address.
 */
export function parseNicMac(text: string, field = 'mac'): string {
  const n = parseMac(text, field);
  const mac = formatMac(n);
  const first = Math.floor(n / 0x10000000000);
  if ((first & 1) === 1)
    throw new InputError(
      'MAC_NOT_UNICAST',
      `${field}: ${mac} is a multicast address (first byte odd); a network interface needs a unicast MAC`,
      { field, expected: 'unicast', actual: mac },
    );
  if (n === 0)
    throw new InputError(
      'MAC_NOT_UNICAST',
      `${field}: the all-zero address is not a valid network interface address`,
      { field, expected: 'unicast', actual: mac },
    );
  return mac;
}

/** Parses a MAC and refuses (`MAC_OUTSIDE_OUI`) one that is not under the ROCK-OS OUI. */
export function parseRockMac(text: string, field = 'mac'): number {
  const n = parseMac(text, field);
  if (!isRockMac(n)) {
    throw new InputError(
      'MAC_OUTSIDE_OUI',
      `${field}: expected an address under the ROCK-OS OUI ${ROCK_OUI}, got ${formatMac(n)}`,
      { field, expected: `${ROCK_OUI}:xx:xx:xx`, actual: formatMac(n) },
    );
  }
  return n;
}

/** Formats a 48-bit integer as lowercase colon-separated hex; refuses (RangeError) a non-48-bit value. */
export function formatMac(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffffffff) throw new RangeError(`not a 48-bit MAC: ${n}`);
  const hex = n.toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

/** True when `text` is a MAC in any spelling {@link parseMac} accepts. */
export function looksLikeMac(text: string): boolean {
  return MAC_RE.test(text.trim());
}

/** True when `mac` (an integer or any text parseMac accepts) lies under the ROCK-OS OUI; false for malformed text. */
export function isRockMac(mac: number | string): boolean {
  let n: number;
  if (typeof mac === 'string') {
    if (!looksLikeMac(mac)) return false;
    n = parseMac(mac);
  } else n = mac;
  return Number.isInteger(n) && n >= OUI_FIRST && n <= OUI_LAST;
}

/** Input quoted for an error line: at most 40 characters, one line. */
function quoteShort(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return JSON.stringify(shown);
}
