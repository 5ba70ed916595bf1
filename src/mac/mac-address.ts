import { InputError } from '../errors/index.js';

/** The ROCK-OS organisationally unique identifier: every address this suite hands out starts with it. */
export const ROCK_OUI = 'a4:58:0f';

/** The 24-bit OUI as an integer. */
const OUI_INT = 0xa4580f;

/** First and last address under the OUI, as 48-bit integers (they fit a double exactly). */
export const OUI_FIRST = OUI_INT * 0x1000000;
export const OUI_LAST = OUI_FIRST + 0xffffff;

const MAC_RE =
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;

/**
 * Parses `a4:58:0f:00:00:01` (also `-` separated, any case) into its 48-bit integer.
 * Refuses anything else with `MAC_MALFORMED`; `where` prefixes the message (an option or file:line:col).
 * Does not check the OUI: see {@link parseRockMac}.
 */
export function parseMac(text: string, where = 'MAC'): number {
  const m = MAC_RE.exec(text.trim());
  if (!m) {
    throw new InputError(
      'MAC_MALFORMED',
      `${where}: expected a MAC address like ${ROCK_OUI}:00:00:01, got '${text}'`,
      { field: where, expected: 'xx:xx:xx:xx:xx:xx', actual: text },
    );
  }
  let n = 0;
  for (const i of [1, 3, 4, 5, 6, 7]) n = n * 256 + Number.parseInt(m[i] as string, 16);
  return n;
}

/** Parses a MAC and refuses (`MAC_OUTSIDE_OUI`) one that is not under the ROCK-OS OUI. */
export function parseRockMac(text: string, where = 'MAC'): number {
  const n = parseMac(text, where);
  if (!isRockMac(n)) {
    throw new InputError(
      'MAC_OUTSIDE_OUI',
      `${where}: expected an address under the ROCK-OS OUI ${ROCK_OUI}, got ${formatMac(n)}`,
      {
        field: where,
        expected: `${ROCK_OUI}:xx:xx:xx`,
        actual: formatMac(n),
      },
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

/** True when `mac` (an integer or any text parseMac accepts) lies under the ROCK-OS OUI; false for malformed text. */
export function isRockMac(mac: number | string): boolean {
  let n: number;
  if (typeof mac === 'string') {
    if (!MAC_RE.test(mac.trim())) return false;
    n = parseMac(mac);
  } else n = mac;
  return Number.isInteger(n) && n >= OUI_FIRST && n <= OUI_LAST;
}

/** Normalises MAC text to the canonical lowercase colon form; refuses what {@link parseMac} refuses. */
export function normalizeMac(text: string, where = 'MAC'): string {
  return formatMac(parseMac(text, where));
}
