import { readdirSync } from 'node:fs';

/**
 * File and record names are bytes. Inside the suite a name is a JS string that round-trips every byte
 * sequence exactly, by the "surrogateescape" rule of Python's PEP 383: valid UTF-8 decodes as usual,
 * and each byte that is not part of valid UTF-8 becomes the lone surrogate U+DC80 + byte (U+DC80..U+DCFF).
 * `encodeName(decodeName(b))` is `b` for every `b`. Valid UTF-8 names are plain strings, unchanged.
 *
 * Use {@link encodeName} for every filesystem call and every archive write, {@link decodeName} for
 * every name read from disk (`readdir` with `encoding: 'buffer'`) or from an archive, {@link escapeName}
 * to show a name to a person (like `ls -b`), {@link compareNames} to sort as the bytes sort.
 * In `--json` output a name is this string: an undecodable byte appears as the escape `\udcXX`.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const ESCAPED = /[\udc80-\udcff]/;

/** Bytes to a name string (lossless). */
export function decodeName(bytes: Uint8Array): string {
  // Nearly every name is short ASCII: one scan and fromCharCode beat a TextDecoder call (400k names).
  if (bytes.length <= ASCII_FAST_MAX && isAscii(bytes)) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return decodeSlow(bytes);
  }
}

/**
 * {@link decodeName} of `bytes[start, end)`, without a view for the common case: an ASCII name of a
 * Buffer becomes a string in one native call (a reader decodes 400,000 names in place). `ascii` says
 * the caller already found every byte below 0x80.
 */
export function decodeNameAt(bytes: Uint8Array, start: number, end: number, ascii = false): string {
  if (Buffer.isBuffer(bytes)) {
    let isAscii = ascii;
    if (!isAscii) {
      let high = 0;
      for (let i = start; i < end; i++) high |= bytes[i]!;
      isAscii = high < 0x80;
    }
    // latin1Slice: what toString('latin1', ...) calls, without its argument checks (bounds are ours).
    if (isAscii) return (bytes as Latin1Buffer).latin1Slice(start, end);
  }
  return decodeName(bytes.subarray(start, end));
}

/** Node's Buffer method under toString('latin1'), not in its type declarations. */
type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Longest name taken by the ASCII path (fromCharCode.apply takes its bytes as arguments). */
const ASCII_FAST_MAX = 256;

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

function decodeSlow(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const n = validSequenceLength(b, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + b[i]!);
      i += 1;
    } else {
      out += strictUtf8.decode(b.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** A name string back to its exact bytes. */
export function encodeName(name: string): Buffer {
  if (!ESCAPED.test(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < name.length; i++) {
    const u = name.charCodeAt(i);
    const lone = u >= 0xdc80 && u <= 0xdcff && !(i > 0 && isHigh(name.charCodeAt(i - 1)));
    if (lone) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(u - 0xdc00));
    } else run += name[i];
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function isHigh(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

/** True when the name's bytes are not valid UTF-8 (it carries escaped bytes). */
export function hasRawBytes(name: string): boolean {
  return ESCAPED.test(name);
}

/**
 * A name for a person's eyes, one line: escaped bytes as `\xNN`, control characters as `\n`, `\t`,
 * `\xNN`, a backslash as `\\` (like `ls -b`). Valid printable UTF-8 is shown as it is.
 */
export function escapeName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped.
  if (!/[\u0000-\u001f\u007f\\\udc80-\udcff]/.test(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const u = name.charCodeAt(i);
    if (u >= 0xdc80 && u <= 0xdcff && !(i > 0 && isHigh(name.charCodeAt(i - 1))))
      out += `\\x${(u - 0xdc00).toString(16).padStart(2, '0')}`;
    else if (u === 0x5c) out += '\\\\';
    else if (u === 0x0a) out += '\\n';
    else if (u === 0x09) out += '\\t';
    else if (u < 0x20 || u === 0x7f) out += `\\x${u.toString(16).padStart(2, '0')}`;
    else out += name[i];
  }
  return out;
}

/** Orders names as their bytes order (what `LC_ALL=C sort` does), not as UTF-16 code units. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(encodeName(a), encodeName(b));
}

/**
 * The path to hand to an fs call for a name string: the string itself when it is plain UTF-8 (what
 * Node encodes anyway), its exact bytes when it carries escaped bytes (Node would write U+FFFD).
 */
export function fsPath(name: string): string | Buffer {
  return ESCAPED.test(name) ? encodeName(name) : name;
}

/** Reads a directory's names as bytes and decodes each losslessly, sorted by bytes. */
export function readNames(dir: string): string[] {
  return readdirSync(fsPath(dir), { encoding: 'buffer' }).map(decodeName).sort(compareNames);
}
