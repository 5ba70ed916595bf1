/**
 * The CONFIG_KEY file: the base64 (RFC 4648, padded) of exactly 32 bytes from the OS CSPRNG, and an
 * optional trailing newline. The 32 decoded bytes ARE the AES-256 key: there is no key derivation,
 * so rock-init (C, OpenSSL) and this suite cannot disagree on one (the suite this one replaces had two
 * incompatible derivations).
 *
 * Nothing here ever puts key material in a message, an error's data or a log line: errors name the
 * file and the shape that was expected, never the content.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { InputError } from '../errors/index.js';
import { errnoOf, errnoWords } from '../util/fs-errors.js';

/** Length of a CONFIG_KEY in bytes (AES-256). */
export const CONFIG_KEY_BYTES = 32;

/** Length of its base64 text without the newline. */
export const CONFIG_KEY_TEXT_LENGTH = 44;

/** Largest file that can possibly be a key file (44 characters and CRLF); anything larger is refused unread. */
const MAX_KEY_FILE = CONFIG_KEY_TEXT_LENGTH + 2;

const KEY_TEXT = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?:\r?\n)?$/;

/** A key read from disk, and the permission bits of its file (for callers that warn about them). */
export interface ConfigKey {
  /** The 32 key bytes. Callers should `fill(0)` it when done. */
  readonly key: Buffer;
  /** `mode & 0o7777` of the file it came from. */
  readonly perm: number;
}

/** 32 fresh bytes from the OS CSPRNG (`getrandom(2)` through OpenSSL). */
export function generateKeyBytes(): Buffer {
  return randomBytes(CONFIG_KEY_BYTES);
}

/** The file content of a key: base64 and a trailing newline. Throws a RangeError for a key that is not 32 bytes (a bug, never input). */
export function formatKey(key: Uint8Array): string {
  if (key.length !== CONFIG_KEY_BYTES) throw new RangeError(`a config key is ${CONFIG_KEY_BYTES} bytes`);
  return `${Buffer.from(key).toString('base64')}\n`;
}

/**
 * Decodes the content of a key file. Returns the 32 key bytes.
 *
 * Refuses (KEY_BAD_FORMAT, exit 2) anything but 44 base64 characters decoding to 32 bytes plus an
 * optional newline; the message gives the length found and never the content.
 */
export function parseKey(content: Uint8Array, source: string): Buffer {
  const text = Buffer.from(content).toString('latin1');
  if (content.length > MAX_KEY_FILE || !KEY_TEXT.test(text)) throw badFormat(source, describeShape(content));
  return Buffer.from(text.slice(0, CONFIG_KEY_TEXT_LENGTH), 'base64');
}

/**
 * Reads and decodes a key file. Returns the key and the file's permission bits.
 *
 * Refuses KEY_NOT_FOUND (missing or unreadable), KEY_NOT_FILE (a directory, symlink or device: a key
 * is never followed through a symlink) and KEY_BAD_FORMAT; all exit 2.
 */
export function readConfigKey(path: string): ConfigKey {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(path);
  } catch (err) {
    throw new InputError('KEY_NOT_FOUND', `${path}: cannot read the key: ${errnoCode(err)}`, { path });
  }
  if (!st.isFile()) {
    throw new InputError(
      'KEY_NOT_FILE',
      `${path}: expected the key as a regular file, found ${fileKind(st)}`,
      { path },
    );
  }
  if (st.size > MAX_KEY_FILE) throw badFormat(path, `${st.size} bytes`);
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    throw new InputError('KEY_NOT_FOUND', `${path}: cannot read the key: ${errnoCode(err)}`, { path });
  }
  try {
    return { key: parseKey(content, path), perm: st.mode & 0o7777 };
  } finally {
    content.fill(0);
  }
}

/** True when group or others may read or write a file with these permission bits. */
export function isExposed(perm: number): boolean {
  return (perm & 0o077) !== 0;
}

function badFormat(source: string, found: string): InputError {
  return new InputError(
    'KEY_BAD_FORMAT',
    `${source}: expected a config key (base64 of ${CONFIG_KEY_BYTES} bytes: ${CONFIG_KEY_TEXT_LENGTH} characters and an optional newline), got ${found}`,
    { path: source },
  );
}

/** A shape description that reveals nothing of the bytes: their count and whether they look like text. */
function describeShape(content: Uint8Array): string {
  const printable = content.every((b) => b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  return `${content.length} bytes${printable ? '' : ' (not text)'}`;
}

/** `ENOENT`, `EACCES`, ... of a failed fs call. */
export function errnoCode(err: unknown): string {
  const errno = errnoOf(err);
  return errno === undefined ? String(err) : errnoWords(errno);
}

/** What a non-regular file is, for messages. */
export function fileKind(st: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}
